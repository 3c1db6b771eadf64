using RobotActors.Devices.Teleoperators;

namespace RobotActors.Rl.Env;

/// <summary>
/// The keys LeRobot's HIL-SERL steps exchange through a transition: the raw gym observation the env
/// processor starts from, the complementary data, and the info flags (TeleopEvents by their string values).
/// </summary>
public static class HilKeys
{
    // Raw observation (before VanillaObservationProcessorStep), as LeRobot's RobotEnv returns it.
    public const string AgentPos = "agent_pos";
    public const string Pixels = "pixels";
    public const string EnvironmentState = "environment_state";

    // Complementary data.
    public const string TeleopAction = "teleop_action";
    public const string DiscretePenalty = "discrete_penalty";
    public const string RawJointPositions = "raw_joint_positions";
    /// <summary>Motor currents ("shoulder_pan" → Present_Current) of the same reading; ours, LeRobot's step reads the bus itself.</summary>
    public const string RawMotorCurrents = "raw_motor_currents";
    public const string IkSolution = "IK_solution";

    // Info.
    public const string RewardClassifierFrequency = "reward_classifier_frequency";
    public static readonly string IsIntervention = TeleopEvent.IsIntervention.ToLeRobotName();
    public static readonly string Success = TeleopEvent.Success.ToLeRobotName();
    public static readonly string Failure = TeleopEvent.Failure.ToLeRobotName();
    public static readonly string RerecordEpisode = TeleopEvent.RerecordEpisode.ToLeRobotName();
    public static readonly string TerminateEpisode = TeleopEvent.TerminateEpisode.ToLeRobotName();

    /// <summary>The info keys a teleoperator owns: in the info merge after env.step these keep the processor's value (LeRobot #3227).</summary>
    public static readonly IReadOnlySet<string> TeleopEventKeys = Enum.GetValues<TeleopEvent>().Select(e => e.ToLeRobotName()).ToHashSet();

    /// <summary>The names of a delta action: delta_x, delta_y, delta_z and, with a gripper, its index (0 close, 1 stay, 2 open).</summary>
    public static IReadOnlyList<string> DeltaActionNames(bool useGripper) =>
        useGripper ? ["delta_x", "delta_y", "delta_z", "gripper"] : ["delta_x", "delta_y", "delta_z"];

    /// <summary>Gripper command indices, one meaning end to end (teleoperators, policy actions, the gripper step).</summary>
    public const int GripperClose = 0, GripperStay = 1, GripperOpen = 2;
}
