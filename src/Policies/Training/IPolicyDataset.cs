using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using static TorchSharp.torch;

namespace RobotActors.Policies.Training;

/// <summary>
/// What training needs from a dataset: policy-level features (images C×H×W), statistics, the frame
/// count, and batches of frames as tensors keyed by feature name, including "episode_index" (int64) and,
/// when the dataset has them, "next.reward" and "next.done".
/// </summary>
public interface IPolicyDataset
{
    IReadOnlyDictionary<string, PolicyFeature> Features { get; }
    DatasetStats Stats { get; }
    int Count { get; }
    IReadOnlyDictionary<string, Tensor> GetBatch(IReadOnlyList<int> indices);

    /// <summary>
    /// A batch where each key of <paramref name="deltaIndices"/> is stacked over its frame offsets, (B, T, ...),
    /// clamped to the frame's episode, with a (B, T) bool "{key}_is_pad" that is true for offsets outside it.
    /// </summary>
    IReadOnlyDictionary<string, Tensor> GetBatch(IReadOnlyList<int> indices, IReadOnlyDictionary<string, int[]>? deltaIndices) =>
        deltaIndices is null || deltaIndices.Count == 0
            ? GetBatch(indices)
            : throw new NotSupportedException($"{GetType().Name} cannot read frame offsets (delta indices for {string.Join(", ", deltaIndices.Keys)})");

    /// <summary>Each episode's frames as [Start, End) positions, in order; one episode unless the dataset says otherwise.</summary>
    IReadOnlyList<(int Start, int End)> Episodes => [(0, Count)];
}
