namespace RobotActors.Datasets.Stats;

/// <summary>
/// One feature's statistics as LeRobot stores them: min, max, mean, std, count and quantiles q01..q99.
/// Values are flat; <see cref="Shape"/> is the stored shape ((D,) for vectors, (3,1,1) for images).
/// </summary>
public sealed class FeatureStats
{
    public const string Min = "min", Max = "max", Mean = "mean", Std = "std", Count = "count";
    public static readonly string[] QuantileNames = ["q01", "q10", "q50", "q90", "q99"];
    public static readonly double[] Quantiles = [0.01, 0.10, 0.50, 0.90, 0.99];
    public static readonly string[] AllNames = [Min, Max, Mean, Std, Count, .. QuantileNames];

    public FeatureStats(int[] shape) => Shape = shape;

    public int[] Shape { get; set; }
    public Dictionary<string, double[]> Values { get; } = [];

    public double[] this[string stat]
    {
        get => Values.TryGetValue(stat, out var v) ? v : throw new DatasetFormatException($"Stat '{stat}' is missing.");
        set => Values[stat] = value;
    }

    public long N => (long)this[Count][0];

    /// <summary>The largest difference to <paramref name="other"/> over all shared stats, and where it is.</summary>
    public (double Difference, string Where) CompareTo(FeatureStats other)
    {
        double worst = 0;
        string where = "";
        foreach (var name in AllNames)
        {
            bool mine = Values.TryGetValue(name, out var a), theirs = other.Values.TryGetValue(name, out var b);
            if (mine != theirs)
                return (double.PositiveInfinity, $"{name} present in only one of the two");
            if (!mine)
                continue;
            if (a!.Length != b!.Length)
                return (double.PositiveInfinity, $"{name} has {a.Length} values vs {b.Length}");
            for (int i = 0; i < a.Length; i++)
            {
                double d = Math.Abs(a[i] - b[i]) / Math.Max(1.0, Math.Abs(b[i]));
                if (d > worst || double.IsNaN(d))
                {
                    worst = double.IsNaN(d) ? double.PositiveInfinity : d;
                    where = $"{name}[{i}] {a[i]} vs {b[i]}";
                }
            }
        }
        return (worst, where);
    }
}
