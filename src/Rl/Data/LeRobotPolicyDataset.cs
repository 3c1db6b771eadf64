using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Training;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Policies.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Data;

/// <summary>
/// Presents a LeRobot v3 dataset on disk to the policy trainer (features, stats, batches of frames). Frame
/// offsets go through the dataset's delta_timestamps (seconds = offset / fps, checked against the fps as
/// LeRobot checks them), so a key is read stacked over its offsets with its "{key}_is_pad" mask.
/// </summary>
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
        var episodes = new List<(int, int)>();
        var start = 0;
        foreach (var e in dataset.Episodes)
        {
            episodes.Add((start, start + checked((int)e.Length)));
            start += (int)e.Length;
        }
        Episodes = episodes;
    }

    public IReadOnlyDictionary<string, PolicyFeature> Features { get; }
    public DatasetStats Stats { get; }
    public int Count => checked((int)_dataset.Count);
    public IReadOnlyList<(int Start, int End)> Episodes { get; }

    public IReadOnlyDictionary<string, Tensor> GetBatch(IReadOnlyList<int> indices) => GetBatch(indices, null);

    public IReadOnlyDictionary<string, Tensor> GetBatch(IReadOnlyList<int> indices, IReadOnlyDictionary<string, int[]>? deltaIndices)
    {
        var offsets = deltaIndices is { Count: > 0 }
            ? DeltaTimestamps.FromIndices(deltaIndices, _dataset.Fps).ToIndices(_dataset.Info)
            : null;
        // Decoding images is the cost; frames are independent and the dataset is safe to read from several threads.
        var frames = indices.AsParallel().AsOrdered().Select(i => _dataset.Get(i, offsets)).ToList();
        var batch = new Dictionary<string, Tensor>();
        foreach (var (key, image) in _columns)
        {
            if (key == TransitionBatches.EpisodeIndexKey)
            {
                batch[key] = torch.tensor(frames.Select(f => f.EpisodeIndex).ToArray());
                continue;
            }
            var steps = offsets is not null && offsets.TryGetValue(key, out var o) ? o.Length : 0;
            var rows = frames.Select(f => image ? f[key].ToChwFloats() : f[key].ToFloats()).ToList();
            long[] item = image ? Features[key].Shape.Select(d => (long)d).ToArray() : [rows[0].Length / Math.Max(1, steps)];
            // Scalars (reward, done) are one number per frame (per offset): [B] or [B, T].
            if (key is PolicyKeys.Reward or PolicyKeys.Done) item = [];
            long[] shape = steps > 0 ? [frames.Count, steps, .. item] : [frames.Count, .. item];
            batch[key] = torch.tensor(rows.SelectMany(r => r).ToArray()).reshape(shape);
            if (steps > 0)
                batch[key + PolicyKeys.PadSuffix] = torch.tensor(frames.SelectMany(f => f[key + PolicyKeys.PadSuffix].ToBools()).ToArray())
                    .reshape(frames.Count, steps);
        }
        if (!batch.ContainsKey(TransitionBatches.EpisodeIndexKey))
            batch[TransitionBatches.EpisodeIndexKey] = torch.tensor(frames.Select(f => f.EpisodeIndex).ToArray());
        return batch;
    }
}
