using RobotActors.Datasets.Reading;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Policies.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Data;

/// <summary>Presents a LeRobot v3 dataset on disk to the policy trainer (features, stats, batches of frames).</summary>
public sealed class LeRobotPolicyDataset : IPolicyDataset
{
    private static readonly string[] Extra = [PolicyKeys.Reward, PolicyKeys.Done, TransitionBatches.EpisodeIndexKey];
    private readonly LeRobotDataset _dataset;
    private readonly List<(string Key, bool Image)> _columns = new();

    public LeRobotPolicyDataset(LeRobotDataset dataset)
    {
        _dataset = dataset;
        var features = new Dictionary<string, PolicyFeature>();
        foreach (var spec in dataset.Features)
        {
            if (DatasetFeatureMapping.ToPolicyFeature(spec.Key, spec.DType, spec.Shape) is not { } feature) continue;
            features[spec.Key] = feature;
            _columns.Add((spec.Key, spec.IsVisual));
        }
        foreach (var key in Extra)
            if (!_columns.Any(c => c.Key == key) && dataset.Features.Any(f => f.Key == key)) _columns.Add((key, false));
        Features = features;
        Stats = new DatasetStats();
        foreach (var (key, stats) in dataset.Stats)
            foreach (var (stat, values) in stats.Values)
                if (stat != "count") Stats.Set(key, stat, Array.ConvertAll(values, v => (float)v), stats.Shape.Select(d => (long)d).ToArray());
    }

    public IReadOnlyDictionary<string, PolicyFeature> Features { get; }
    public DatasetStats Stats { get; }
    public int Count => checked((int)_dataset.Count);

    public IReadOnlyDictionary<string, Tensor> GetBatch(IReadOnlyList<int> indices)
    {
        var frames = indices.Select(i => _dataset.Get(i)).ToList();
        var batch = new Dictionary<string, Tensor>();
        foreach (var (key, image) in _columns)
        {
            if (key == TransitionBatches.EpisodeIndexKey)
            {
                batch[key] = torch.tensor(frames.Select(f => f.EpisodeIndex).ToArray());
                continue;
            }
            var rows = frames.Select(f => image ? f[key].ToChwFloats() : f[key].ToFloats()).ToList();
            var shape = image ? Features[key].Shape.Select(d => (long)d).ToArray() : [rows[0].Length];
            var tensor = torch.tensor(rows.SelectMany(r => r).ToArray()).reshape([frames.Count, .. shape]);
            batch[key] = key is PolicyKeys.Reward or PolicyKeys.Done ? tensor.reshape(frames.Count) : tensor;
        }
        if (!batch.ContainsKey(TransitionBatches.EpisodeIndexKey))
            batch[TransitionBatches.EpisodeIndexKey] = torch.tensor(frames.Select(f => f.EpisodeIndex).ToArray());
        return batch;
    }
}
