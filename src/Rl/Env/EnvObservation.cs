using RobotActors.Datasets.Images;
using RobotActors.Policies.Configs;

namespace RobotActors.Rl.Env;

/// <summary>
/// An observation after the env processor, before the policy boundary, as plain data: observation.state
/// (and environment_state) as floats and each camera as uint8 height × width × channels. This is what is
/// recorded, stored in a replay buffer and sent between actors; the policy's float tensors are made from it
/// (<see cref="ControlPipeline.PolicyBatch(EnvObservation)"/>).
/// </summary>
public sealed class EnvObservation
{
    public required float[] State { get; init; }
    public float[]? EnvironmentState { get; init; }
    /// <summary>"observation.images.front" → frame.</summary>
    public required IReadOnlyDictionary<string, ImageFrame> Images { get; init; }
    /// <summary>The measured joints of the reading ("shoulder_pan.pos" → degrees); not a policy input.</summary>
    public required IReadOnlyDictionary<string, double> Joints { get; init; }

    /// <summary>The observation as dataset frame values, under LeRobot's keys.</summary>
    public void AddTo(IDictionary<string, object> frame)
    {
        frame[PolicyKeys.ObservationState] = State;
        if (EnvironmentState is not null) frame[PolicyKeys.ObservationEnvironmentState] = EnvironmentState;
        foreach (var (key, image) in Images) frame[key] = image;
    }
}

/// <summary>The episode events of one step, from the teleoperator (and the reward classifier for success).</summary>
public readonly record struct EpisodeEvents(bool Intervention, bool Success, bool Failure, bool Rerecord, bool Terminate);

/// <summary>What one control tick chose and sent.</summary>
public sealed record ActOutcome(float[] Action, IReadOnlyDictionary<string, double> Goals, EpisodeEvents Events);

/// <summary>
/// One environment step as LeRobot's actor records it: the observation the action was chosen from, the
/// executed action (the operator's while intervening), reward, done, truncated, the next observation, and
/// complementary_info.discrete_penalty.
/// </summary>
public sealed record StepResult(EnvObservation Observation, float[] Action, double Reward, bool Done, bool Truncated,
    EnvObservation Next, EpisodeEvents Events, double DiscretePenalty, IReadOnlyDictionary<string, object?> Info, Io.TaskSignal? Task)
{
    public bool EpisodeOver => Done || Truncated;
}
