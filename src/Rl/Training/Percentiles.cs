namespace RobotActors.Rl.Training;

/// <summary>
/// The p50, p99 and largest of one measured quantity (ms unless named otherwise), by nearest rank, for the
/// benchmarks of every layer; NaN when nothing was measured, so an empty figure never reads as a fast one.
/// </summary>
public sealed record Percentiles(int Count, double P50, double P99, double Max)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return new(0, double.NaN, double.NaN, double.NaN);
        double At(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new(sorted.Length, At(0.5), At(0.99), sorted[^1]);
    }
}
