using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Training;

/// <summary>
/// Turns dataset frames into RL transitions, as LeRobot fills a replay buffer from a dataset: the next
/// observation is the following frame of the same episode; at an episode's last frame it is the frame
/// itself and the transition is terminal (unless the dataset says otherwise with "next.done").
/// </summary>
public static class TransitionBatches
{
    public const string EpisodeIndexKey = "episode_index";

    public static Dictionary<string, Tensor> Get(IPolicyDataset dataset, IReadOnlyList<int> indices)
    {
        var current = dataset.GetBatch(indices);
        var nextIndices = indices.Select(i => Math.Min(i + 1, dataset.Count - 1)).ToList();
        var next = dataset.GetBatch(nextIndices);
        if (!current.TryGetValue(EpisodeIndexKey, out var episodes))
            throw new InvalidOperationException("transitions need the dataset's 'episode_index' column");
        var isLast = torch.tensor(indices.Select(i => i + 1 >= dataset.Count).ToArray());
        var sameEpisode = episodes.eq(next[EpisodeIndexKey]).logical_and(isLast.logical_not());
        var batch = new Dictionary<string, Tensor>(current);
        foreach (var (key, value) in current)
        {
            if (!key.StartsWith(PolicyKeys.ObservationPrefix, StringComparison.Ordinal)) continue;
            var mask = sameEpisode.reshape([-1, .. Enumerable.Repeat(1L, (int)value.dim() - 1)]);
            batch[PolicyKeys.NextPrefix + key] = torch.where(mask, next[key], value);
        }
        if (!batch.ContainsKey(PolicyKeys.Done)) batch[PolicyKeys.Done] = sameEpisode.logical_not().to(float32);
        if (!batch.ContainsKey(PolicyKeys.Reward))
            throw new InvalidOperationException($"RL training needs '{PolicyKeys.Reward}' in the dataset");
        return batch;
    }

    /// <summary>
    /// Runs an RL batch through a policy's preprocessor: observations, action and the rest as one batch,
    /// then the next observations ("next.observation.*") normalized exactly like the current ones.
    /// </summary>
    public static Dictionary<string, Tensor> Normalize(ProcessorPipeline preprocessor, IReadOnlyDictionary<string, Tensor> raw)
    {
        const string nextObservation = PolicyKeys.NextPrefix + PolicyKeys.ObservationPrefix;
        var current = raw.Where(kv => !kv.Key.StartsWith(nextObservation, StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
        var batch = preprocessor.ProcessBatch(current);
        var next = raw.Where(kv => kv.Key.StartsWith(nextObservation, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[PolicyKeys.NextPrefix.Length..], kv => kv.Value);
        if (next.Count > 0)
            foreach (var (k, v) in preprocessor.ProcessObservation(next))
                batch[PolicyKeys.NextPrefix + k] = v;
        return batch;
    }
}
