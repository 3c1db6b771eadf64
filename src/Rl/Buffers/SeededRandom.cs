namespace RobotActors.Rl.Buffers;

/// <summary>
/// A small seeded generator (SplitMix64) whose whole state is one number, so a checkpoint can save it and a
/// resumed learner draws exactly the batches an uninterrupted one would have drawn.
/// </summary>
public sealed class SeededRandom(ulong state)
{
    public SeededRandom(int seed) : this(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL)) { }

    public ulong State { get; set; } = state;

    public ulong NextUInt64()
    {
        var z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, maxExclusive) (rejection sampling, no modulo bias).</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "must be positive");
        var n = (ulong)maxExclusive;
        var limit = ulong.MaxValue - ulong.MaxValue % n;
        ulong r;
        do r = NextUInt64(); while (r >= limit);
        return (int)(r % n);
    }
}
