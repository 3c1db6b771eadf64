using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Legacy;
using RobotActors.Datasets.Parquet;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Stats;

namespace RobotActors.Datasets.Tools;

/// <summary>The outcome of `dataset validate`: every violation found, in the order checked.</summary>
public sealed class ValidationReport
{
    public List<string> Violations { get; } = [];
    public bool IsValid => Violations.Count == 0;
    public string? First => Violations.FirstOrDefault();
}

/// <summary>
/// Checks every invariant of a v3.0 dataset: metadata consistency, contiguous non-overlapping episode
/// frame ranges, the files episodes point to, each data row against its episode, feature shapes
/// against info.json, and per-episode and aggregated stats against stats recomputed from the data.
/// </summary>
public static class DatasetValidator
{
    /// <summary>Relative tolerance on min, max, mean, std and count (float32 accumulation stays far below it).</summary>
    public const double StatsTolerance = 1e-4;

    /// <summary>
    /// Compares stored stats with stats recomputed here. Min, max, mean, std and count must match. Quantiles
    /// only need to be ordered and inside [min, max]: LeRobot versions compute them differently (exact,
    /// histogram, or the aggregation envelope), so exact equality would reject genuine datasets.
    /// </summary>
    private static string? Mismatch(FeatureStats stored, FeatureStats fresh)
    {
        var exact = new FeatureStats(stored.Shape);
        var mine = new FeatureStats(fresh.Shape);
        foreach (var name in new[] { FeatureStats.Min, FeatureStats.Max, FeatureStats.Mean, FeatureStats.Std, FeatureStats.Count })
        {
            if (stored.Values.TryGetValue(name, out var a))
                exact[name] = a;
            if (fresh.Values.TryGetValue(name, out var b))
                mine[name] = b;
        }
        var (diff, where) = exact.CompareTo(mine);
        if (diff > StatsTolerance)
            return where;
        double[]? previous = null;
        foreach (var q in FeatureStats.QuantileNames)
        {
            if (!stored.Values.TryGetValue(q, out var values))
                continue;
            for (int i = 0; i < values.Length; i++)
            {
                double lo = fresh[FeatureStats.Min][i], hi = fresh[FeatureStats.Max][i], slack = StatsTolerance * Math.Max(1, Math.Abs(hi - lo));
                if (values[i] < lo - slack || values[i] > hi + slack)
                    return $"{q}[{i}] {values[i]} outside the data's range [{lo}, {hi}]";
                if (previous is not null && values[i] < previous[i] - slack)
                    return $"{q}[{i}] {values[i]} below the previous quantile {previous[i]}";
            }
            previous = values;
        }
        return null;
    }

    public static async Task<ValidationReport> ValidateAsync(string root)
    {
        var report = new ValidationReport();
        try
        {
            await CheckAsync(root, report);
        }
        catch (DatasetFormatException e)
        {
            report.Violations.Add(e.Message);
        }
        return report;
    }

    private static async Task CheckAsync(string root, ValidationReport report)
    {
        var info = DatasetInfo.Load(root);
        if (V21Metadata.IsLegacy(info))
        {
            report.Violations.Add($"{root} is a {info.CodebaseVersion} dataset; convert it with `robotactors dataset convert {root}` first.");
            return;
        }
        if (info.CodebaseVersion != DatasetPaths.CodebaseVersion)
            report.Violations.Add($"meta/info.json: codebase_version is '{info.CodebaseVersion}', expected v3.0.");
        foreach (var key in FeatureSpec.DefaultFeatureKeys)
            if (!info.HasFeature(key))
                report.Violations.Add($"meta/info.json: default feature '{key}' is missing.");

        var episodes = await EpisodesTable.LoadAllAsync(root);
        var tasks = await TasksTable.LoadAsync(root);
        foreach (var e in episodes)
            StatsShapes.Apply(info, e.Stats);
        CheckEpisodeTable(info, episodes, tasks, report);

        // Data files, grouped as the episodes point to them.
        var computed = new Dictionary<long, Dictionary<string, FeatureStats>>();
        foreach (var group in episodes.GroupBy(e => (e.DataChunkIndex, e.DataFileIndex)))
        {
            string rel = info.DataFile(group.Key.DataChunkIndex, group.Key.DataFileIndex);
            string path = Path.Combine(root, rel);
            if (!File.Exists(path))
            {
                report.Violations.Add($"{EpisodesTable.Describe(group.First())} points to {rel}, which is missing.");
                continue;
            }
            FrameBlock block;
            try
            {
                block = await DataFile.ReadAsync(path, info);
            }
            catch (DatasetFormatException e)
            {
                report.Violations.Add(e.Message);
                continue;
            }
            CheckRows(info, rel, block, group.ToList(), tasks.Count, report);
            CheckImages(info, rel, block, report);
            foreach (var e in group)
            {
                var ep = EpisodeStatsFromBlock(info, block, e);
                if (ep is not null)
                    computed[e.EpisodeIndex] = ep;
            }
        }
        foreach (var e in episodes)
            foreach (var f in info.VideoFeatures)
            {
                if (!e.Videos.TryGetValue(f.Key, out var seg))
                    report.Violations.Add($"{EpisodesTable.Describe(e)} has no video segment for '{f.Key}'.");
                else if (!File.Exists(Path.Combine(root, info.VideoFile(f.Key, seg.ChunkIndex, seg.FileIndex))))
                    report.Violations.Add($"{EpisodesTable.Describe(e)} points to {info.VideoFile(f.Key, seg.ChunkIndex, seg.FileIndex)}, which is missing.");
                else if (Math.Abs(seg.ToTimestamp - seg.FromTimestamp - (double)e.Length / info.Fps) > 1.0 / info.Fps)
                    report.Violations.Add($"{EpisodesTable.Describe(e)}: video '{f.Key}' spans {seg.ToTimestamp - seg.FromTimestamp:F4} s but {e.Length} frames at {info.Fps} fps last {(double)e.Length / info.Fps:F4} s.");
            }
        CheckStats(root, info, episodes, computed, report);
    }

    private static void CheckEpisodeTable(DatasetInfo info, List<EpisodeRecord> episodes, List<string> tasks, ValidationReport report)
    {
        if (episodes.Count != info.TotalEpisodes)
            report.Violations.Add($"meta/info.json counts {info.TotalEpisodes} episodes but meta/episodes has {episodes.Count}.");
        EpisodeRecord? previous = null;
        for (int i = 0; i < episodes.Count; i++)
        {
            var e = episodes[i];
            if (e.EpisodeIndex != i)
                report.Violations.Add($"meta/episodes: row {i} has episode_index {e.EpisodeIndex}; episode indices must run 0, 1, 2, ... without gaps.");
            if (e.DatasetToIndex - e.DatasetFromIndex != e.Length || e.Length <= 0)
                report.Violations.Add($"{EpisodesTable.Describe(e)}: length {e.Length} does not match its frame range.");
            if (previous is not null)
            {
                if (e.DatasetFromIndex < previous.DatasetToIndex)
                    report.Violations.Add($"episode {e.EpisodeIndex} frame range [{e.DatasetFromIndex}, {e.DatasetToIndex}) overlaps episode {previous.EpisodeIndex} [{previous.DatasetFromIndex}, {previous.DatasetToIndex}).");
                else if (e.DatasetFromIndex > previous.DatasetToIndex)
                    report.Violations.Add($"episode {e.EpisodeIndex} starts at frame {e.DatasetFromIndex} but episode {previous.EpisodeIndex} ends at {previous.DatasetToIndex}: frames are missing between them.");
            }
            else if (e.DatasetFromIndex != 0)
            {
                report.Violations.Add($"{EpisodesTable.Describe(e)}: the first episode must start at frame 0.");
            }
            foreach (var t in e.Tasks)
                if (!tasks.Contains(t))
                    report.Violations.Add($"{EpisodesTable.Describe(e)} has task '{t}', which is not in meta/tasks.parquet.");
            previous = e;
        }
        long frames = episodes.Sum(e => e.Length);
        if (frames != info.TotalFrames)
            report.Violations.Add($"meta/info.json counts {info.TotalFrames} frames but the episodes hold {frames}.");
        if (tasks.Count != info.TotalTasks)
            report.Violations.Add($"meta/info.json counts {info.TotalTasks} tasks but meta/tasks.parquet has {tasks.Count}.");
    }

    private static void CheckRows(DatasetInfo info, string rel, FrameBlock block, List<EpisodeRecord> episodes, int taskCount, ValidationReport report)
    {
        long expected = episodes.Sum(e => e.Length);
        if (block.RowCount != expected)
            report.Violations.Add($"{rel} has {block.RowCount} rows but the episodes pointing to it hold {expected} frames.");
        var rowOf = new Dictionary<long, int>();
        for (int r = 0; r < block.RowCount; r++)
            rowOf.TryAdd(block.IndexAt(r), r);
        foreach (var e in episodes)
        {
            for (long g = e.DatasetFromIndex; g < e.DatasetToIndex; g++)
            {
                if (!rowOf.TryGetValue(g, out int r))
                {
                    report.Violations.Add($"{rel}: frame {g} of {EpisodesTable.Describe(e)} is not in the file.");
                    break;
                }
                long frameIndex = g - e.DatasetFromIndex;
                string? problem =
                    (long)block.Numeric["episode_index"][r] != e.EpisodeIndex ? $"episode_index {(long)block.Numeric["episode_index"][r]}" :
                    (long)block.Numeric["frame_index"][r] != frameIndex ? $"frame_index {(long)block.Numeric["frame_index"][r]} (expected {frameIndex})" :
                    Math.Abs(block.Numeric["timestamp"][r] - (double)frameIndex / info.Fps) > 1e-4 ? $"timestamp {block.Numeric["timestamp"][r]} (expected {(double)frameIndex / info.Fps})" :
                    block.Numeric["task_index"][r] < 0 || block.Numeric["task_index"][r] >= taskCount ? $"task_index {block.Numeric["task_index"][r]} outside the {taskCount} tasks" :
                    null;
                if (problem is not null)
                {
                    report.Violations.Add($"{rel}: row for frame {g} of {EpisodesTable.Describe(e)} has {problem}.");
                    break;
                }
            }
        }
    }

    private static void CheckImages(DatasetInfo info, string rel, FrameBlock block, ValidationReport report)
    {
        foreach (var f in info.ImageFeatures)
        {
            if (block.RowCount == 0)
                continue;
            var img = Png.Decode(block.Images[f.Key][0]);
            if (img.Height != f.Height || img.Width != f.Width || img.Channels != f.Channels)
                report.Violations.Add($"feature '{f.Key}': meta/info.json shape [{string.Join(",", f.Shape)}] but {rel} holds images of [{img.Height},{img.Width},{img.Channels}].");
        }
    }

    private static Dictionary<string, FeatureStats>? EpisodeStatsFromBlock(DatasetInfo info, FrameBlock block, EpisodeRecord e)
    {
        var rows = new List<int>();
        for (int r = 0; r < block.RowCount; r++)
        {
            long g = block.IndexAt(r);
            if (g >= e.DatasetFromIndex && g < e.DatasetToIndex)
                rows.Add(r);
        }
        if (rows.Count != e.Length)
            return null;
        var numeric = new Dictionary<string, double[]>();
        foreach (var f in info.Features.Where(f => f.IsNumeric))
        {
            int w = f.ElementCount;
            var all = block.Numeric[f.Key];
            numeric[f.Key] = rows.SelectMany(r => all.AsSpan(r * w, w).ToArray()).ToArray();
        }
        var stats = new Dictionary<string, FeatureStats>();
        foreach (var f in info.Features)
        {
            if (f.IsImage)
                stats[f.Key] = StatsComputer.Image(i => Png.Decode(block.Images[f.Key][rows[i]]), rows.Count, f.Channels);
            else if (f.IsNumeric)
                stats[f.Key] = StatsComputer.Numeric(numeric[f.Key], f.ElementCount, f.Shape);
        }
        return stats;
    }

    private static void CheckStats(string root, DatasetInfo info, List<EpisodeRecord> episodes,
        Dictionary<long, Dictionary<string, FeatureStats>> computed, ValidationReport report)
    {
        if (episodes.Count == 0)
            return;
        foreach (var e in episodes)
        {
            if (!computed.TryGetValue(e.EpisodeIndex, out var mine))
                continue;
            foreach (var (key, stored) in e.Stats)
            {
                if (!mine.TryGetValue(key, out var fresh))
                    continue;
                if (Mismatch(stored, fresh) is string where)
                    report.Violations.Add($"meta/episodes: stats of '{key}' for episode {e.EpisodeIndex} do not match the data ({where}); run `robotactors dataset stats --recompute {root}`.");
            }
        }
        var stats = StatsJson.Load(root);
        if (stats.Count == 0)
        {
            report.Violations.Add("meta/stats.json is missing or empty; run `robotactors dataset stats --recompute`.");
            return;
        }
        if (computed.Count != episodes.Count)
            return; // some data could not be read; already reported
        var aggregated = StatsAggregator.AggregateAll(episodes.Select(e => computed[e.EpisodeIndex]));
        foreach (var (key, fresh) in aggregated)
        {
            if (!stats.TryGetValue(key, out var stored))
            {
                report.Violations.Add($"meta/stats.json has no stats for feature '{key}'.");
                continue;
            }
            if (Mismatch(stored, fresh) is string where)
                report.Violations.Add($"meta/stats.json: '{key}' does not match the data ({where}); run `robotactors dataset stats --recompute {root}`.");
        }
    }
}
