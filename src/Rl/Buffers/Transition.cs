using RobotActors.Datasets.Images;

namespace RobotActors.Rl.Buffers;

/// <summary>
/// One observation as plain data: state vectors by feature key ("observation.state",
/// "observation.environment_state") and camera frames by feature key ("observation.images.front"),
/// uint8 height × width × channels as cameras and LeRobot datasets hold them. Values are in the robot's
/// units (not normalized): the learner normalizes when it samples.
/// </summary>
public sealed record Observation(IReadOnlyDictionary<string, float[]> States, IReadOnlyDictionary<string, ImageFrame> Images)
{
    public static Observation Of(IReadOnlyDictionary<string, float[]> states) => new(states, new Dictionary<string, ImageFrame>());
}

/// <summary>
/// One environment step as the learner stores it (LeRobot's Transition): the observation, the executed
/// action (the human's during an intervention; continuous dimensions then the gripper index, in the robot's
/// units), the reward, whether the episode terminated (<paramref name="Done"/>: no bootstrap) or was cut
/// short (<paramref name="Truncated"/>: time limit, re-record, crash — the target bootstraps from the next
/// observation), the next observation, and LeRobot's complementary_info: the gripper penalty and the
/// intervention flag.
/// </summary>
public sealed record Transition(
    Observation Observation,
    float[] Action,
    float Reward,
    bool Done,
    bool Truncated,
    Observation NextObservation,
    float DiscretePenalty = 0,
    bool IsIntervention = false)
{
    /// <summary>LeRobot's complementary_info keys in batches and datasets.</summary>
    public const string DiscretePenaltyKey = "complementary_info.discrete_penalty";
    public const string IsInterventionKey = "complementary_info.is_intervention";

    /// <summary>Null when every number is finite, else which one is not ("NaN in observation.state[3]").</summary>
    public string? FindNonFinite()
    {
        static string? Check(string name, ReadOnlySpan<float> values)
        {
            for (var i = 0; i < values.Length; i++)
                if (!float.IsFinite(values[i])) return $"{(float.IsNaN(values[i]) ? "NaN" : "an infinite value")} in {name}[{i}]";
            return null;
        }
        foreach (var (key, values) in Observation.States)
            if (Check(key, values) is { } problem) return problem;
        foreach (var (key, values) in NextObservation.States)
            if (Check("next." + key, values) is { } problem) return problem;
        return Check("action", Action) ?? Check("next.reward", [Reward]) ?? Check(DiscretePenaltyKey, [DiscretePenalty]);
    }
}

/// <summary>A transition the buffer refuses (a non-finite number, or a shape that differs from the buffer's); nothing was stored.</summary>
public sealed class InvalidTransitionException(string message) : ArgumentException(message);
