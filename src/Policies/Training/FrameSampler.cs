namespace RobotActors.Policies.Training;

/// <summary>
/// Which frames training draws from, uniformly with the run's seeded generator: every frame, or, for a
/// policy with drop_n_last_frames, every frame but the last n of each episode (LeRobot's EpisodeAwareSampler,
/// which spares windows made mostly of padding). Carries the delta indices the batches are read with.
/// </summary>
public sealed class FrameSampler
{
    private readonly int[]? _frames;
    private readonly int _count;

    public FrameSampler(IPolicyDataset dataset, IReadOnlyDictionary<string, int[]> deltaIndices, int dropLastFrames = 0)
    {
        DeltaIndices = deltaIndices;
        _count = dataset.Count;
        if (dropLastFrames <= 0) return;
        _frames = dataset.Episodes.SelectMany(e => Enumerable.Range(e.Start, Math.Max(0, e.End - e.Start - dropLastFrames))).ToArray();
        if (_frames.Length == 0)
            throw new ArgumentException($"every episode has at most drop_n_last_frames={dropLastFrames} frames, so no frame is left to train on; record longer episodes or lower --policy.drop_n_last_frames");
        // Short episodes (a scripted reach takes ~8 frames at 10 fps) lose most of their frames to the drop, and the
        // policy then only ever sees the first frames of each episode; the trainer says so rather than train on 1 in 8.
        if (_frames.Length * 2 < _count)
            Warning = $"drop_n_last_frames={dropLastFrames} leaves {_frames.Length} of the dataset's {_count} frames to train on " +
                      $"(its episodes average {(double)_count / Math.Max(1, dataset.Episodes.Count):0.#} frames); lower --policy.drop_n_last_frames " +
                      "(0 samples every frame) or record longer episodes";
    }

    /// <summary>Set when drop_n_last_frames leaves less than half of the frames to train on.</summary>
    public string? Warning { get; }

    public IReadOnlyDictionary<string, int[]> DeltaIndices { get; }

    /// <summary>How many frames can be drawn.</summary>
    public int Count => _frames?.Length ?? _count;

    public List<int> Draw(int batchSize, Random rng) =>
        Enumerable.Range(0, batchSize).Select(_ => _frames is null ? rng.Next(_count) : _frames[rng.Next(_frames.Length)]).ToList();
}
