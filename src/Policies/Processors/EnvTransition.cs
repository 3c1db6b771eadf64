using RobotActors.Policies.Configs;
using static TorchSharp.torch;

namespace RobotActors.Policies.Processors;

/// <summary>
/// What flows through a processor pipeline (LeRobot's EnvTransition): observation, action, reward,
/// done, truncated, info and complementary data.
/// </summary>
public sealed class EnvTransition
{
    public Dictionary<string, Tensor> Observation { get; init; } = new();
    public Tensor? Action { get; set; }
    /// <summary>
    /// LeRobot's RobotAction: the action as named values ("delta_x", "ee.x", "shoulder_pan.pos", ...), which the
    /// end-effector steps pass between the policy's tensor and the bus. LeRobot keeps either form in one slot.
    /// </summary>
    public Dictionary<string, double>? RobotAction { get; set; }
    public Tensor? Reward { get; set; }
    public Tensor? Done { get; set; }
    public Tensor? Truncated { get; set; }
    public Dictionary<string, object?> Info { get; init; } = new();
    public Dictionary<string, object?> ComplementaryData { get; init; } = new();

    public EnvTransition ShallowCopy() => new()
    {
        Observation = new Dictionary<string, Tensor>(Observation),
        Action = Action, RobotAction = RobotAction is null ? null : new Dictionary<string, double>(RobotAction), Reward = Reward, Done = Done, Truncated = Truncated,
        Info = new Dictionary<string, object?>(Info),
        ComplementaryData = new Dictionary<string, object?>(ComplementaryData),
    };

    /// <summary>LeRobot's batch_to_transition: "observation.*" keys, "action", "next.reward/done/truncated"; the rest is complementary.</summary>
    public static EnvTransition FromBatch(IReadOnlyDictionary<string, Tensor> batch)
    {
        var t = new EnvTransition();
        foreach (var (key, value) in batch)
        {
            // Padding masks ("observation.state_is_pad", "action_is_pad") are complementary data, as in LeRobot.
            if (key.EndsWith(PolicyKeys.PadSuffix, StringComparison.Ordinal)) t.ComplementaryData[key] = value;
            else if (key.StartsWith(PolicyKeys.ObservationPrefix, StringComparison.Ordinal)) t.Observation[key] = value;
            else if (key == PolicyKeys.Action) t.Action = value;
            else if (key == PolicyKeys.Reward) t.Reward = value;
            else if (key == PolicyKeys.Done) t.Done = value;
            else if (key == PolicyKeys.Truncated) t.Truncated = value;
            else t.ComplementaryData[key] = value;
        }
        return t;
    }

    public Dictionary<string, Tensor> ToBatch()
    {
        var batch = new Dictionary<string, Tensor>(Observation);
        if (Action is not null) batch[PolicyKeys.Action] = Action;
        if (Reward is not null) batch[PolicyKeys.Reward] = Reward;
        if (Done is not null) batch[PolicyKeys.Done] = Done;
        if (Truncated is not null) batch[PolicyKeys.Truncated] = Truncated;
        foreach (var (k, v) in ComplementaryData)
            if (v is Tensor tensor) batch[k] = tensor;
        return batch;
    }
}
