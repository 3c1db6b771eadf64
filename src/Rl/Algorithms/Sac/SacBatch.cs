using RobotActors.Policies.Configs;
using static TorchSharp.torch;

namespace RobotActors.Rl.Algorithms.Sac;

/// <summary>
/// One RL batch, already normalized: observations, the executed action (continuous dims then the gripper
/// index), reward, done, the next observations and the optional gripper penalty. In dictionary form
/// next observations carry the "next." prefix ("next.observation.state") and the penalty is
/// "complementary_info.discrete_penalty".
/// </summary>
public sealed record SacBatch(
    IReadOnlyDictionary<string, Tensor> Observation,
    Tensor Action,
    Tensor Reward,
    Tensor Done,
    IReadOnlyDictionary<string, Tensor> NextObservation,
    Tensor? DiscretePenalty = null)
{
    /// <summary>
    /// Backbone feature maps per camera for Observation and NextObservation, when a replay buffer cached
    /// them at insertion (frozen backbone only); the learner then never runs the backbone.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor>? ObservationFeatures { get; init; }
    public IReadOnlyDictionary<string, Tensor>? NextObservationFeatures { get; init; }

    public const string DiscretePenaltyKey = "complementary_info.discrete_penalty";

    public static SacBatch FromDictionary(IReadOnlyDictionary<string, Tensor> batch)
    {
        Tensor Need(string key) => batch.TryGetValue(key, out var t) ? t
            : throw new KeyNotFoundException($"an RL batch needs '{key}'; it has: {string.Join(", ", batch.Keys)}");
        var obs = new Dictionary<string, Tensor>();
        var next = new Dictionary<string, Tensor>();
        foreach (var (k, v) in batch)
        {
            if (k.StartsWith(PolicyKeys.ObservationPrefix, StringComparison.Ordinal)) obs[k] = v;
            else if (k.StartsWith(PolicyKeys.NextPrefix + PolicyKeys.ObservationPrefix, StringComparison.Ordinal)) next[k[PolicyKeys.NextPrefix.Length..]] = v;
        }
        if (next.Count == 0)
            throw new KeyNotFoundException($"an RL batch needs next observations ('next.observation.*'); it has: {string.Join(", ", batch.Keys)}");
        return new SacBatch(obs, Need(PolicyKeys.Action), Need(PolicyKeys.Reward).reshape(-1), Need(PolicyKeys.Done).reshape(-1).to(float32), next,
            batch.TryGetValue(DiscretePenaltyKey, out var p) ? p.reshape(-1) : null);
    }
}
