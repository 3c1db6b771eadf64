namespace RobotActors.Datasets.Reading;

/// <summary>A dataset item: every feature's value, the "*_is_pad" masks of delta keys, and the task string.</summary>
public sealed class Frame
{
    public Frame(IReadOnlyDictionary<string, FeatureValue> values, string? task)
    {
        Values = values;
        Task = task;
    }

    public IReadOnlyDictionary<string, FeatureValue> Values { get; }
    public string? Task { get; }

    public FeatureValue this[string key]
        => Values.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"Frame has no '{key}'; it has: {string.Join(", ", Values.Keys)}.");

    public long Index => (long)this["index"].Scalar;
    public long EpisodeIndex => (long)this["episode_index"].Scalar;
    public long FrameIndex => (long)this["frame_index"].Scalar;
    public double Timestamp => this["timestamp"].Scalar;
}
