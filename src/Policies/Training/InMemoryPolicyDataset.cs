using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Training;

/// <summary>
/// A dataset held as whole-dataset tensors (first dimension = frame), for tests and small data. Episodes are
/// the runs of equal values in the "episode_index" column (one episode without it).
/// </summary>
public sealed class InMemoryPolicyDataset : IPolicyDataset
{
    private readonly IReadOnlyDictionary<string, Tensor> _columns;
    private readonly int[] _episodeOf;

    public InMemoryPolicyDataset(IReadOnlyDictionary<string, PolicyFeature> features, DatasetStats stats, IReadOnlyDictionary<string, Tensor> columns)
    {
        Features = features;
        Stats = stats;
        _columns = columns;
        Count = (int)columns.Values.First().shape[0];
        var ids = columns.TryGetValue(TransitionBatches.EpisodeIndexKey, out var e) ? e.data<long>().ToArray() : new long[Count];
        var episodes = new List<(int, int)>();
        _episodeOf = new int[Count];
        for (int i = 0, start = 0; i < Count; i++)
        {
            _episodeOf[i] = episodes.Count;
            if (i + 1 == Count || ids[i + 1] != ids[i])
            {
                episodes.Add((start, i + 1));
                start = i + 1;
            }
        }
        Episodes = episodes;
    }

    public IReadOnlyDictionary<string, PolicyFeature> Features { get; }
    public DatasetStats Stats { get; }
    public int Count { get; }
    public IReadOnlyList<(int Start, int End)> Episodes { get; }

    public IReadOnlyDictionary<string, Tensor> GetBatch(IReadOnlyList<int> indices) => GetBatch(indices, null);

    public IReadOnlyDictionary<string, Tensor> GetBatch(IReadOnlyList<int> indices, IReadOnlyDictionary<string, int[]>? deltaIndices)
    {
        var idx = torch.tensor(indices.Select(i => (long)i).ToArray());
        var batch = new Dictionary<string, Tensor>();
        foreach (var (key, column) in _columns)
        {
            if (deltaIndices is null || !deltaIndices.TryGetValue(key, out var offsets))
            {
                batch[key] = column.index_select(0, idx);
                continue;
            }
            var frames = new List<long>();
            var pads = new List<bool>();
            foreach (var i in indices)
            {
                var (start, end) = Episodes[_episodeOf[i]];
                var (f, p) = DeltaIndices.Resolve(i, start, end, offsets);
                frames.AddRange(f.Select(x => (long)x));
                pads.AddRange(p);
            }
            var rows = column.index_select(0, torch.tensor(frames.ToArray()));
            batch[key] = rows.reshape([indices.Count, offsets.Length, .. column.shape.Skip(1)]);
            batch[key + PolicyKeys.PadSuffix] = torch.tensor(pads.ToArray()).reshape(indices.Count, offsets.Length);
        }
        return batch;
    }
}
