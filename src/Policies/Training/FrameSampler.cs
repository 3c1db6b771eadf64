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
    }

    public IReadOnlyDictionary<string, int[]> DeltaIndices { get; }

    /// <summary>How many frames can be drawn.</summary>
    public int Count => _frames?.Length ?? _count;

    public List<int> Draw(int batchSize, Random rng) =>
        Enumerable.Range(0, batchSize).Select(_ => _frames is null ? rng.Next(_count) : _frames[rng.Next(_frames.Length)]).ToList();
}
