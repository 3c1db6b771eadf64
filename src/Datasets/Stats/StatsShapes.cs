using RobotActors.Datasets.Format;

namespace RobotActors.Datasets.Stats;

/// <summary>Stats read back from flat Parquet columns get their stored shape from the feature: (C,1,1) for images, the feature shape otherwise.</summary>
public static class StatsShapes
{
    public static int[] For(FeatureSpec f) => f.IsVisual ? [f.Channels, 1, 1] : f.Shape;

    public static void Apply(DatasetInfo info, IDictionary<string, FeatureStats> stats)
    {
        foreach (var (key, s) in stats)
            if (info.HasFeature(key))
                s.Shape = For(info.Feature(key));
    }
}
