using System.Text.Json.Nodes;
using RobotActors.Devices.Kinematics;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// The maths of LeRobot's InverseKinematicsEEToJoints and InverseKinematicsRLStep: the ee.* target becomes a
/// pose, one damped-least-squares IK step from the initial guess gives "&lt;motor&gt;.pos" for the chain
/// joints; gripper.pos passes through. Without an ee.* target (held by the bounds step) no arm goal is made.
/// </summary>
public abstract class InverseKinematicsStep(RobotKinematics kinematics, bool initialGuessCurrentJoints, string? urdfPath) : IProcessorStep
{
    public RobotKinematics Kinematics { get; } = kinematics;
    public bool InitialGuessCurrentJoints { get; } = initialGuessCurrentJoints;
    protected abstract string StepName { get; }
    protected abstract bool StoresSolution { get; }

    protected static (RobotKinematics Kinematics, string Urdf) Load(JsonObject config, string step)
    {
        var urdf = StepJson.String(config, "urdf_path") ?? throw new ArgumentException($"{step} needs urdf_path.");
        return (KinematicsSetup.Load(urdf, StepJson.String(config, "target_frame_name") ?? "gripper_frame_link", StepJson.Strings(config, "motor_names")), urdf);
    }

    public JsonObject GetConfig() => new()
    {
        ["urdf_path"] = urdfPath, ["target_frame_name"] = Kinematics.TargetFrame, ["motor_names"] = StepJson.Array(Kinematics.JointNames),
        ["initial_guess_current_joints"] = InitialGuessCurrentJoints,
    };

    public EnvTransition Process(EnvTransition transition)
    {
        var action = transition.RobotAction ?? throw new InvalidOperationException($"{StepName} needs an ee.* robot action.");
        var output = new Dictionary<string, double>(Kinematics.JointNames.Count + 1);
        if (action.TryGetValue("gripper.pos", out var gripper)) output["gripper.pos"] = gripper;
        if (EndEffectorPose.Has(action))
        {
            var measured = KinematicsSetup.ChainJoints(Kinematics, transition.RawJoints(StepName), StepName);
            var guess = !InitialGuessCurrentJoints && transition.ComplementaryData.GetValueOrDefault(HilKeys.IkSolution) is double[] previous
                && previous.Length == measured.Length ? previous : measured;
            var q = Kinematics.InverseKinematics(guess, EndEffectorPose.Read(action));
            for (var i = 0; i < Kinematics.JointNames.Count; i++) output[Kinematics.JointNames[i] + ".pos"] = q[i];
            if (StoresSolution) transition.ComplementaryData[HilKeys.IkSolution] = q;
        }
        transition.RobotAction = output;
        return transition;
    }
}

/// <summary>LeRobot's InverseKinematicsEEToJoints: IK from the measured joints.</summary>
[ProcessorStepName("inverse_kinematics_ee_to_joints")]
public sealed class InverseKinematicsEEToJoints(RobotKinematics kinematics, bool initialGuessCurrentJoints = true, string? urdfPath = null)
    : InverseKinematicsStep(kinematics, initialGuessCurrentJoints, urdfPath)
{
    protected override string StepName => "inverse_kinematics_ee_to_joints";
    protected override bool StoresSolution => false;

    public static InverseKinematicsEEToJoints FromConfig(JsonObject config)
    {
        var (k, urdf) = Load(config, "inverse_kinematics_ee_to_joints");
        return new(k, StepJson.Bool(config, "initial_guess_current_joints", true), urdf);
    }
}

/// <summary>
/// LeRobot's InverseKinematicsRLStep: as InverseKinematicsEEToJoints, but it seeds IK with the previous
/// solution (unless initial_guess_current_joints) and stores complementary_data["IK_solution"], which the
/// reference step of the next tick starts from.
/// </summary>
[ProcessorStepName("inverse_kinematics_rl_step")]
public sealed class InverseKinematicsRLStep(RobotKinematics kinematics, bool initialGuessCurrentJoints = false, string? urdfPath = null)
    : InverseKinematicsStep(kinematics, initialGuessCurrentJoints, urdfPath)
{
    protected override string StepName => "inverse_kinematics_rl_step";
    protected override bool StoresSolution => true;

    public static InverseKinematicsRLStep FromConfig(JsonObject config)
    {
        var (k, urdf) = Load(config, "inverse_kinematics_rl_step");
        return new(k, StepJson.Bool(config, "initial_guess_current_joints", false), urdf);
    }
}
