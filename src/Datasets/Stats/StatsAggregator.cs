namespace RobotActors.Datasets.Stats;

/// <summary>
/// LeRobot's aggregate_feature_stats: min of mins, max of maxes, count-weighted mean, the parallel
/// variance formula, and quantiles as a conservative envelope (q ≤ 0.5 takes the min, above takes the max).
/// </summary>
public static class StatsAggregator
{
    public static FeatureStats Aggregate(IReadOnlyList<FeatureStats> parts)
    {
        if (parts.Count == 0)
            throw new ArgumentException("Nothing to aggregate.");
        if (parts.Count == 1)
            return Copy(parts[0]);
        int width = parts[0][FeatureStats.Mean].Length;
        var result = new FeatureStats(parts[0].Shape);
        double total = parts.Sum(p => (double)p.N);
        var min = new double[width];
        var max = new double[width];
        var mean = new double[width];
        var std = new double[width];
        for (int d = 0; d < width; d++)
        {
            min[d] = parts.Min(p => p[FeatureStats.Min][d]);
            max[d] = parts.Max(p => p[FeatureStats.Max][d]);
            double m = parts.Sum(p => p.N * p[FeatureStats.Mean][d]) / total;
            double v = parts.Sum(p =>
            {
                double delta = p[FeatureStats.Mean][d] - m;
                double s = p[FeatureStats.Std][d];
                return p.N * (s * s + delta * delta);
            }) / total;
            mean[d] = m;
            std[d] = Math.Sqrt(v);
        }
        result[FeatureStats.Min] = min;
        result[FeatureStats.Max] = max;
        result[FeatureStats.Mean] = mean;
        result[FeatureStats.Std] = std;
        result[FeatureStats.Count] = [total];
        for (int k = 0; k < FeatureStats.QuantileNames.Length; k++)
        {
            string name = FeatureStats.QuantileNames[k];
            if (!parts.All(p => p.Values.ContainsKey(name)))
                continue;
            bool lower = FeatureStats.Quantiles[k] <= 0.5;
            var q = new double[width];
            for (int d = 0; d < width; d++)
                q[d] = lower ? parts.Min(p => p[name][d]) : parts.Max(p => p[name][d]);
            result[name] = q;
        }
        return result;
    }

    public static Dictionary<string, FeatureStats> AggregateAll(IEnumerable<IReadOnlyDictionary<string, FeatureStats>> episodes)
    {
        var byKey = new Dictionary<string, List<FeatureStats>>();
        foreach (var ep in episodes)
            foreach (var (k, v) in ep)
            {
                if (!byKey.TryGetValue(k, out var list))
                    byKey[k] = list = [];
                list.Add(v);
            }
        return byKey.ToDictionary(kv => kv.Key, kv => Aggregate(kv.Value));
    }

    private static FeatureStats Copy(FeatureStats s)
    {
        var c = new FeatureStats(s.Shape);
        foreach (var (k, v) in s.Values)
            c[k] = (double[])v.Clone();
        return c;
    }
}
