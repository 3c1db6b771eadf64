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
}
