using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Parquet;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Stats;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Tools;

/// <summary>
/// `dataset convert | merge | split | stats --recompute`. Every tool writes a new v3.0 dataset through
/// the recorder's commit path, so its output is crash-safe and passes `dataset validate`; PNG bytes
/// are copied as they are, stats are recomputed from the data.
/// </summary>
public static class DatasetTools
{
    /// <summary>v2.1 (or v3.0) at <paramref name="source"/> → a v3.0 dataset at <paramref name="destination"/>.</summary>
    public static Task<DatasetInfo> ConvertAsync(string source, string destination)
        => CopyAsync([(LeRobotDataset.Open(source), null)], destination);

    public static Task<DatasetInfo> MergeAsync(IReadOnlyList<string> sources, string destination)
    {
        if (sources.Count < 2)
            throw new DatasetFormatException("merge needs at least two source datasets.");
        return CopyAsync(sources.Select(s => (LeRobotDataset.Open(s), (IReadOnlyList<long>?)null)).ToList(), destination);
    }

    public static Task<DatasetInfo> SplitAsync(string source, string destination, IReadOnlyList<long> episodes)
    {
        if (episodes.Count == 0)
            throw new DatasetFormatException("split needs at least one episode index (--episodes 0 3 5).");
        return CopyAsync([(LeRobotDataset.Open(source), episodes)], destination);
    }

    private static async Task<DatasetInfo> CopyAsync(IReadOnlyList<(LeRobotDataset Dataset, IReadOnlyList<long>? Episodes)> sources, string destination)
    {
        var first = sources[0].Dataset;
        var userFeatures = first.Features.Where(f => !f.IsDefault).ToList();
        foreach (var (ds, _) in sources.Skip(1))
        {
            if (ds.Fps != first.Fps)
                throw new DatasetFormatException($"Cannot merge {ds.Root} ({ds.Fps} fps) with {first.Root} ({first.Fps} fps): fps must match.");
            var mine = ds.Features.Where(f => !f.IsDefault).Select(f => f.ToString()).ToList();
            var theirs = userFeatures.Select(f => f.ToString()).ToList();
            if (!mine.SequenceEqual(theirs))
                throw new DatasetFormatException($"Cannot merge {ds.Root} with {first.Root}: features differ ({string.Join(", ", mine.Except(theirs).Concat(theirs.Except(mine)))}).");
        }
        var recorder = DatasetRecorder.Create(destination, first.Fps, userFeatures, first.Info.RobotType, first.Info.DataFilesSizeInMb, first.Info.VideoFilesSizeInMb);
        foreach (var (ds, selection) in sources)
        {
            var episodes = selection is null ? ds.AllEpisodes : selection.Select(ds.Episode).ToList();
            foreach (var e in episodes)
                await CopyEpisodeAsync(ds, e, recorder);
        }
        return recorder.Info;
    }

    private static Task CopyEpisodeAsync(LeRobotDataset ds, EpisodeRecord e, DatasetRecorder recorder)
    {
        var (block, tasks) = ds.EpisodeBlock(e);
        var videos = ds.Info.VideoFeatures.ToDictionary(f => f.Key, f => ds.EpisodeVideoFrames(e, f.Key));
        ImageFrame ImageAt(string key, int i)
            => videos.TryGetValue(key, out var frames) ? frames[i] : Png.Decode(block.Images[key][i]);
        return recorder.SaveEpisodeBlockAsync(block, tasks, ImageAt, videos);
    }

    /// <summary>Recomputes every episode's stats from the data and rewrites meta/episodes and meta/stats.json.</summary>
    public static async Task<Dictionary<string, FeatureStats>> RecomputeStatsAsync(string root)
    {
        var ds = await LeRobotDataset.OpenAsync(root, readStats: false); // the stats.json being replaced may be the damaged file
        if (ds.IsLegacy)
            throw new DatasetFormatException($"{root} is {ds.Info.CodebaseVersion}; convert it first with `robotactors dataset convert`.");
        foreach (var e in ds.AllEpisodes)
        {
            // Default columns take part in stats as LeRobot's do.
            var (block, _) = ds.EpisodeBlock(e, keepDefaultColumns: true);
            var videos = ds.Info.VideoFeatures.ToDictionary(f => f.Key, f => ds.EpisodeVideoFrames(e, f.Key));
            e.Stats = StatsComputer.Episode(ds.Info, (int)e.Length, block.Numeric,
                (key, i) => videos.TryGetValue(key, out var frames) ? frames[i] : Png.Decode(block.Images[key][i]));
        }
        foreach (var group in ds.AllEpisodes.GroupBy(e => (e.MetaChunkIndex, e.MetaFileIndex)))
            await EpisodesTable.WriteAsync(root, ds.Info, group.Key.MetaChunkIndex, group.Key.MetaFileIndex, group.ToList());
        var aggregated = StatsAggregator.AggregateAll(ds.AllEpisodes.Select(e => e.Stats));
        StatsJson.Save(root, aggregated);
        return aggregated;
    }

    public static long SizeOnDisk(string root)
        => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
