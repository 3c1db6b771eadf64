using System.Globalization;
using RobotActors.Datasets.Reading;

namespace RobotActors.Datasets.Tools;

/// <summary>The text `robotactors dataset info` prints: features, episodes, frames, fps, tasks, size.</summary>
public static class DatasetSummary
{
    public static IEnumerable<string> Lines(LeRobotDataset ds)
    {
        var inv = CultureInfo.InvariantCulture;
        yield return $"root:            {ds.Root}";
        yield return $"codebase:        {ds.Info.CodebaseVersion}";
        yield return $"robot_type:      {ds.Info.RobotType ?? "unknown"}";
        yield return $"fps:             {ds.Fps}";
        yield return $"episodes:        {ds.AllEpisodes.Count}";
        yield return $"frames:          {ds.AllEpisodes.Sum(e => e.Length)}";
        yield return string.Create(inv, $"size:            {DatasetTools.SizeOnDisk(ds.Root) / (1024.0 * 1024.0):F2} MB");
        yield return $"tasks:           {ds.Tasks.Count}";
        for (int i = 0; i < ds.Tasks.Count; i++)
            yield return $"  [{i}] {ds.Tasks[i]}";
        yield return "features:";
        foreach (var f in ds.Features)
            yield return $"  {f.Key,-32} {f.DType,-8} [{string.Join(", ", f.Shape)}]";
        if (ds.AllEpisodes.Count > 0)
        {
            var lengths = ds.AllEpisodes.Select(e => e.Length).ToList();
            yield return string.Create(inv, $"episode length:  min {lengths.Min()}, mean {lengths.Average():F1}, max {lengths.Max()} frames");
        }
    }
}
