using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Training;

/// <summary>A dataset held as whole-dataset tensors (first dimension = frame), for tests and small data.</summary>
public sealed class InMemoryPolicyDataset(
    IReadOnlyDictionary<string, PolicyFeature> features, DatasetStats stats, IReadOnlyDictionary<string, Tensor> columns) : IPolicyDataset
{
    public IReadOnlyDictionary<string, PolicyFeature> Features { get; } = features;
    public DatasetStats Stats { get; } = stats;
    public int Count { get; } = (int)columns.Values.First().shape[0];

    public IReadOnlyDictionary<string, Tensor> GetBatch(IReadOnlyList<int> indices)
    {
        var idx = torch.tensor(indices.Select(i => (long)i).ToArray());
        return columns.ToDictionary(kv => kv.Key, kv => kv.Value.index_select(0, idx));
    }
}
