using System.Text.Json.Nodes;
using RobotActors.Devices.Kinematics;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's EEReferenceAndDelta: the reference pose is the forward kinematics of the previous IK solution
/// (use_ik_solution, so tracking errors of the servos do not drift the command) or of the measured joints;
/// when the action is enabled the desired pose is reference + target × end_effector_step_sizes with the
/// rotation ref · rotvec(w); when disabled the last command is held. With use_latched_reference the
/// reference is taken once when motion starts. Output: ee.x/y/z/wx/wy/wz and gripper_vel.
/// </summary>
[ProcessorStepName("ee_reference_and_delta")]
public sealed class EEReferenceAndDelta(RobotKinematics kinematics, double[] stepSizes, bool useLatchedReference = false,
    bool useIkSolution = true, string? urdfPath = null) : IProcessorStep
{
    private Transform? _lastCommand, _latched;

    public RobotKinematics Kinematics { get; } = kinematics;
    public double[] StepSizes { get; } = stepSizes.Length == 3 ? stepSizes : throw new ArgumentException("end_effector_step_sizes needs x, y, z.");
    public bool UseLatchedReference { get; } = useLatchedReference;
    public bool UseIkSolution { get; } = useIkSolution;

    public static EEReferenceAndDelta FromConfig(JsonObject config)
    {
        var urdf = StepJson.String(config, "urdf_path") ?? throw new ArgumentException("ee_reference_and_delta needs urdf_path.");
        var steps = config["end_effector_step_sizes"] as JsonObject ?? throw new ArgumentException("ee_reference_and_delta needs end_effector_step_sizes {x, y, z}.");
        return new(KinematicsSetup.Load(urdf, StepJson.String(config, "target_frame_name") ?? "gripper_frame_link", StepJson.Strings(config, "motor_names")),
            [StepJson.Double(steps, "x", 0.02), StepJson.Double(steps, "y", 0.02), StepJson.Double(steps, "z", 0.02)],
            StepJson.Bool(config, "use_latched_reference", false), StepJson.Bool(config, "use_ik_solution", true), urdf);
    }

    public JsonObject GetConfig() => new()
    {
        ["urdf_path"] = urdfPath, ["target_frame_name"] = Kinematics.TargetFrame, ["motor_names"] = StepJson.Array(Kinematics.JointNames),
        ["end_effector_step_sizes"] = new JsonObject { ["x"] = StepSizes[0], ["y"] = StepSizes[1], ["z"] = StepSizes[2] },
        ["use_latched_reference"] = UseLatchedReference, ["use_ik_solution"] = UseIkSolution,
    };

    public EnvTransition Process(EnvTransition transition)
    {
        var action = transition.RobotAction ?? throw new InvalidOperationException("ee_reference_and_delta needs the robot action of map_delta_action_to_robot_action.");
        var reference = Reference(transition);
        var enabled = action.GetValueOrDefault("enabled") != 0;
        Transform desired;
        if (enabled)
        {
            if (UseLatchedReference) reference = _latched ??= reference;
            double[] w = [action.GetValueOrDefault("target_wx"), action.GetValueOrDefault("target_wy"), action.GetValueOrDefault("target_wz")];
            desired = (reference * EndEffectorPose.FromRotationVector(w)) with
            {
                P =
                [
                    reference.P[0] + action.GetValueOrDefault("target_x") * StepSizes[0],
                    reference.P[1] + action.GetValueOrDefault("target_y") * StepSizes[1],
                    reference.P[2] + action.GetValueOrDefault("target_z") * StepSizes[2],
                ],
            };
            if (desired.P.All(double.IsFinite)) _lastCommand = desired;
        }
        else
        {
            _latched = null;
            desired = _lastCommand ?? reference;
        }
        var output = new Dictionary<string, double>(8);
        EndEffectorPose.Write(output, desired);
        output["gripper_vel"] = action.TryGetValue("gripper_vel", out var g) ? g : HilKeys.GripperStay;
        transition.RobotAction = output;
        return transition;
    }

    private Transform Reference(EnvTransition transition)
    {
        if (UseIkSolution && transition.ComplementaryData.GetValueOrDefault(HilKeys.IkSolution) is double[] solution && solution.Length >= Kinematics.ChainDof)
            return Kinematics.ForwardKinematics(solution);
        return Kinematics.ForwardKinematics(KinematicsSetup.ChainJoints(Kinematics, transition.RawJoints("ee_reference_and_delta"), "ee_reference_and_delta"));
    }

    public void Reset()
    {
        _lastCommand = null;
        _latched = null;
    }
}
