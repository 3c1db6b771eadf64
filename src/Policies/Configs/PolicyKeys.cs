namespace RobotActors.Policies.Configs;

/// <summary>LeRobot's batch and feature key strings.</summary>
public static class PolicyKeys
{
    public const string ObservationPrefix = "observation.";
    public const string ObservationState = "observation.state";
    public const string ObservationEnvironmentState = "observation.environment_state";
    public const string ObservationImage = "observation.image";
    public const string ObservationImages = "observation.images";
    public const string Action = "action";
    public const string Reward = "next.reward";
    public const string Done = "next.done";
    public const string Truncated = "next.truncated";
    public const string Success = "next.success";

    /// <summary>The suffix of the mask a delta-timestamp key comes with ("action_is_pad"): true where the frame is padding.</summary>
    public const string PadSuffix = "_is_pad";

    /// <summary>The prefix LeRobot puts in front of every next-observation key in an RL batch.</summary>
    public const string NextPrefix = "next.";

    public static bool IsImage(string key) =>
        key == ObservationImage || key.StartsWith(ObservationImages + ".", StringComparison.Ordinal);
}
