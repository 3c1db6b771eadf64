using RobotActors.Policies.Configs;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Buffers;

/// <summary>
/// Whole episodes of vector observations, actions and rewards, sampled as the fixed-length windows a world-model
/// policy trains on (TD-MPC: horizon + 1 observations, horizon actions and rewards). An episode of L steps keeps
/// L + 1 observations (its last next-observation too); a window starting near the end repeats the last frame and
/// marks the steps past the episode in "{key}_is_pad", as a dataset with delta timestamps does. Episodes beyond
/// <see cref="Capacity"/> steps drop out oldest first. Sampling draws from a <see cref="SeededRandom"/>.
/// </summary>
public sealed class EpisodeSequenceBuffer(IReadOnlyList<string> observationKeys, int capacity, int seed)
{
    private readonly List<Episode> _episodes = [];
    private readonly SeededRandom _random = new(seed);
    private Episode? _open;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "holds at least one step");
    public IReadOnlyList<string> ObservationKeys { get; } = observationKeys;
    public int Steps { get; private set; }
    public int EpisodeCount => _episodes.Count;

    private sealed class Episode(Dictionary<string, float[]> first)
    {
        public List<Dictionary<string, float[]>> Observations { get; } = [first];
        public List<float[]> Actions { get; } = [];
        public List<float> Rewards { get; } = [];
    }

    /// <summary>Starts an episode at its first observation (key → values, one per observation key).</summary>
    public void Begin(IReadOnlyDictionary<string, float[]> observation)
    {
        _open = new Episode(Copy(observation));
        _episodes.Add(_open);
    }

    /// <summary>One step of the open episode: the action taken, the reward it got and the observation it led to.</summary>
    public void Add(float[] action, double reward, IReadOnlyDictionary<string, float[]> next)
    {
        var e = _open ?? throw new InvalidOperationException("Begin an episode before adding steps to it.");
        e.Actions.Add((float[])action.Clone());
        e.Rewards.Add((float)reward);
        e.Observations.Add(Copy(next));
        Steps++;
        while (Steps > Capacity && _episodes.Count > 1)
        {
            Steps -= _episodes[0].Actions.Count;
            _episodes.RemoveAt(0);
        }
    }

    private Dictionary<string, float[]> Copy(IReadOnlyDictionary<string, float[]> observation) =>
        ObservationKeys.ToDictionary(k => k, k => observation.TryGetValue(k, out var v)
            ? (float[])v.Clone()
            : throw new ArgumentException($"the observation has no '{k}' (it has {string.Join(", ", observation.Keys)})"));

    /// <summary>
    /// <paramref name="batchSize"/> windows of <paramref name="horizon"/> steps from step starts drawn uniformly over
    /// every stored step: each observation key (B, horizon + 1, D), "action" (B, horizon, A), "next.reward" (B, horizon)
    /// and their "_is_pad" masks (B, T).
    /// </summary>
    public Dictionary<string, Tensor> SampleWindows(int batchSize, int horizon)
    {
        if (Steps == 0) throw new InvalidOperationException("the buffer holds no steps yet");
        var starts = new (Episode Episode, int Start)[batchSize];
        for (var i = 0; i < batchSize; i++)
        {
            var k = _random.NextInt(Steps);
            var e = 0;
            while (k >= _episodes[e].Actions.Count) k -= _episodes[e++].Actions.Count;
            starts[i] = (_episodes[e], k);
        }
        var batch = new Dictionary<string, Tensor>();
        foreach (var key in ObservationKeys)
        {
            var width = starts[0].Episode.Observations[0][key].Length;
            var values = new float[batchSize * (horizon + 1) * width];
            var pad = new bool[batchSize * (horizon + 1)];
            for (var i = 0; i < batchSize; i++)
                for (var t = 0; t <= horizon; t++)
                {
                    var (e, s) = starts[i];
                    var q = s + t;
                    pad[i * (horizon + 1) + t] = q >= e.Observations.Count;
                    e.Observations[Math.Min(q, e.Observations.Count - 1)][key].CopyTo(values, (i * (horizon + 1) + t) * width);
                }
            batch[key] = torch.tensor(values, [batchSize, horizon + 1, width]);
            batch[key + PolicyKeys.PadSuffix] = torch.tensor(pad, [batchSize, horizon + 1]);
        }
        var actionWidth = starts[0].Episode.Actions[0].Length;
        var actions = new float[batchSize * horizon * actionWidth];
        var rewards = new float[batchSize * horizon];
        var stepPad = new bool[batchSize * horizon];
        for (var i = 0; i < batchSize; i++)
            for (var t = 0; t < horizon; t++)
            {
                var (e, s) = starts[i];
                var q = s + t;
                var last = e.Actions.Count - 1;
                stepPad[i * horizon + t] = q > last;
                e.Actions[Math.Min(q, last)].CopyTo(actions, (i * horizon + t) * actionWidth);
                rewards[i * horizon + t] = e.Rewards[Math.Min(q, last)];
            }
        batch[PolicyKeys.Action] = torch.tensor(actions, [batchSize, horizon, actionWidth]);
        batch[PolicyKeys.Action + PolicyKeys.PadSuffix] = torch.tensor(stepPad, [batchSize, horizon]);
        batch[PolicyKeys.Reward] = torch.tensor(rewards, [batchSize, horizon]);
        batch[PolicyKeys.Reward + PolicyKeys.PadSuffix] = torch.tensor((bool[])stepPad.Clone(), [batchSize, horizon]);
        return batch;
    }

    /// <summary>Per observation key and entry, the min, max, mean and standard deviation over every stored observation.</summary>
    public Dictionary<string, (float[] Min, float[] Max, float[] Mean, float[] Std)> Statistics()
    {
        if (_episodes.Count == 0) throw new InvalidOperationException("the buffer holds no observations yet");
        var result = new Dictionary<string, (float[], float[], float[], float[])>();
        var all = _episodes.SelectMany(e => e.Observations).ToList();
        foreach (var key in ObservationKeys)
        {
            var width = all[0][key].Length;
            var (min, max, mean, std) = (new float[width], new float[width], new float[width], new float[width]);
            for (var j = 0; j < width; j++)
            {
                var column = all.Select(o => (double)o[key][j]).ToList();
                var m = column.Average();
                (min[j], max[j], mean[j]) = ((float)column.Min(), (float)column.Max(), (float)m);
                std[j] = (float)Math.Sqrt(column.Sum(v => (v - m) * (v - m)) / column.Count);
            }
            result[key] = (min, max, mean, std);
        }
        return result;
    }
}
