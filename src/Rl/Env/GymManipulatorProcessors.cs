using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Teleoperators;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Env.Processors;

namespace RobotActors.Rl.Env;

/// <summary>
/// LeRobot's gym_manipulator.make_processors: the env processor and the action processor of a robot
/// environment, with LeRobot's steps in LeRobot's order, each present when its config asks for it.
/// </summary>
public static class GymManipulatorProcessors
{
    static GymManipulatorProcessors() => ProcessorStepRegistry.RegisterAssembly(typeof(GymManipulatorProcessors).Assembly);

    /// <summary>Makes the HIL-SERL steps loadable by registry name (saved pipelines, plugins).</summary>
    public static void Register() { }

    public const string EnvProcessorName = "env_processor";
    public const string ActionProcessorName = "action_processor";

    /// <param name="motorNames">The robot's motors in order ("shoulder_pan", ..., "gripper").</param>
    /// <param name="configFile">The config's file, against which relative urdf_path / pretrained_path are also tried.</param>
    public static (ProcessorPipeline Env, ProcessorPipeline Action) Make(HilSerlRobotEnvConfig config, ITeleoperator teleop,
        IReadOnlyList<string> motorNames, string device = "cpu", string? configFile = null)
    {
        var p = config.Processor;
        RobotKinematics? kinematics = null;
        string? urdf = null;
        if (p.InverseKinematics is { } ik)
        {
            urdf = ResolvePath(ik.UrdfPath, configFile, "env.processor.inverse_kinematics.urdf_path");
            kinematics = KinematicsSetup.Load(urdf, ik.TargetFrameName, motorNames);
        }

        var env = new List<IProcessorStep> { new VanillaObservationProcessorStep() };
        if (p.Observation.AddJointVelocityToObservation) env.Add(new JointVelocityProcessorStep(config.Dt));
        if (p.Observation.AddCurrentToObservation) env.Add(new MotorCurrentProcessorStep(motorNames));
        if (kinematics is not null && p.Observation.AddEePoseToObservation) env.Add(new ForwardKinematicsJointsToEEObservation(kinematics, urdf));
        if (p.ImagePreprocessing.CropParamsDict.Count > 0 || p.ImagePreprocessing.ResizeSize is not null)
            env.Add(new ImageCropResizeProcessorStep(p.ImagePreprocessing.CropParamsDict, p.ImagePreprocessing.ResizeSize));
        env.Add(new TimeLimitProcessorStep(config.MaxEpisodeSteps));
        if (p.Gripper.UseGripper && p.Gripper.GripperPenalty != 0) env.Add(new GripperPenaltyProcessorStep(p.Gripper.GripperPenalty, p.MaxGripperPos));
        if (p.RewardClassifier?.PretrainedPath is { } classifier)
            env.Add(new RewardClassifierProcessorStep(ResolvePath(classifier, configFile, "env.processor.reward_classifier.pretrained_path"), device,
                p.RewardClassifier.SuccessThreshold, p.RewardClassifier.SuccessReward, p.Reset.TerminateOnSuccess));
        env.Add(new AddBatchDimensionProcessorStep());
        env.Add(new DeviceProcessorStep(device));

        var action = new List<IProcessorStep>
        {
            new AddTeleopActionAsComplimentaryDataStep(teleop),
            new AddTeleopEventsAsInfoStep(teleop),
        };
        if (kinematics is not null)
        {
            if (teleop is LeaderArmTeleoperator)
                throw new LeRobotConfigException(
                    "env.teleop: a leader arm drives the follower joint to joint, but env.processor.inverse_kinematics makes the action an end-effector delta; " +
                    "use a gamepad or keyboard_ee teleoperator for end-effector control, or remove inverse_kinematics for joint control.");
            var ik2 = p.InverseKinematics!;
            action.Add(new InterventionActionProcessorStep(p.Gripper.UseGripper, p.Reset.TerminateOnSuccess));
            action.Add(new MapTensorToDeltaActionDictStep(p.Gripper.UseGripper));
            action.Add(new MapDeltaActionToRobotActionStep());
            action.Add(new EEReferenceAndDelta(kinematics, ik2.StepSizes, useLatchedReference: false, useIkSolution: true, urdfPath: urdf));
            action.Add(new EEBoundsAndSafety(ik2.BoundsMin, ik2.BoundsMax));
            if (p.Gripper.UseGripper) action.Add(new GripperVelocityToJoint(p.MaxGripperPos));
            action.Add(new InverseKinematicsRLStep(kinematics, urdfPath: urdf));
        }
        else
        {
            var names = motorNames.Select(m => m + ".pos").ToList();
            action.Add(new InterventionActionProcessorStep(p.Gripper.UseGripper, p.Reset.TerminateOnSuccess, names));
            action.Add(new PolicyActionToRobotActionProcessorStep(motorNames));
        }
        return (new ProcessorPipeline(EnvProcessorName, env), new ProcessorPipeline(ActionProcessorName, action));
    }

    /// <summary>The names of the env's action vector (the recorded "action" column).</summary>
    public static IReadOnlyList<string> ActionNames(ProcessorPipeline actionProcessor) => actionProcessor.Step<InterventionActionProcessorStep>().ActionNames;

    /// <summary>
    /// The processed observation's features (images C×H×W as a policy sees them) for a robot with these
    /// motors and camera sizes: the env processor's feature transform from the raw robot observation.
    /// <paramref name="environmentStateWidth"/> &gt; 0 adds observation.environment_state (a simulated world's).
    /// </summary>
    public static Dictionary<string, PolicyFeature> ObservationFeatures(ProcessorPipeline envProcessor, int motorCount,
        IReadOnlyDictionary<string, (int Height, int Width)> cameras, int environmentStateWidth = 0)
    {
        var obs = new Dictionary<string, PolicyFeature> { [PolicyKeys.ObservationState] = new(FeatureType.State, [motorCount]) };
        if (environmentStateWidth > 0) obs[PolicyKeys.ObservationEnvironmentState] = new(FeatureType.Env, [environmentStateWidth]);
        foreach (var (name, (h, w)) in cameras) obs[$"{PolicyKeys.ObservationImages}.{name}"] = new(FeatureType.Visual, [3, h, w]);
        var features = new Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> { [PipelineFeatureType.Observation] = obs };
        foreach (var step in envProcessor.Steps.TakeWhile(s => s is not AddBatchDimensionProcessorStep)) features = step.TransformFeatures(features);
        foreach (var classifier in envProcessor.Steps.OfType<RewardClassifierProcessorStep>())
            classifier.Validate(features[PipelineFeatureType.Observation].Where(kv => kv.Value.Type == FeatureType.Visual).ToDictionary());
        return features[PipelineFeatureType.Observation];
    }

    /// <summary>
    /// A path as given (relative to the working folder), else relative to the config file, else relative to the
    /// executable (where the shipped models/*.urdf are); an error names the places looked in.
    /// </summary>
    public static string ResolvePath(string path, string? configFile, string key)
    {
        if (File.Exists(path) || Directory.Exists(path)) return path;
        if (!Path.IsPathRooted(path))
        {
            string[] bases = configFile is null ? [AppContext.BaseDirectory] : [Path.GetDirectoryName(Path.GetFullPath(configFile)) ?? ".", AppContext.BaseDirectory];
            foreach (var b in bases)
            {
                var candidate = Path.Combine(b, path);
                if (File.Exists(candidate) || Directory.Exists(candidate)) return candidate;
            }
        }
        throw new LeRobotConfigException($"{configFile ?? "config"}: {key}: '{path}' does not exist (looked in {Environment.CurrentDirectory}{(configFile is null ? "" : " and beside the config file")}).");
    }
}
