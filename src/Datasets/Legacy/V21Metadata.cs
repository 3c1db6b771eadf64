using System.Text.Json.Nodes;
using RobotActors.Datasets.Format;
using RobotActors.Datasets.Stats;

namespace RobotActors.Datasets.Legacy;

/// <summary>
/// LeRobot v2.1 metadata: meta/episodes.jsonl, meta/episodes_stats.jsonl, meta/tasks.jsonl, and one
/// Parquet (and MP4 per camera) file per episode named by the info.json templates with
/// {episode_chunk} = episode_index / chunks_size.
/// </summary>
public static class V21Metadata
{
    public static bool IsLegacy(DatasetInfo info) => info.CodebaseVersion.StartsWith("v2.", StringComparison.Ordinal);

    public static string EpisodeDataPath(DatasetInfo info, long episodeIndex)
        => DatasetPaths.Format(info.DataPath, (int)(episodeIndex / info.ChunksSize), 0, null, episodeIndex);

    public static string EpisodeVideoPath(DatasetInfo info, string videoKey, long episodeIndex)
        => DatasetPaths.Format(info.VideoPath ?? throw new DatasetFormatException("info.json has video features but no video_path."),
            (int)(episodeIndex / info.ChunksSize), 0, videoKey, episodeIndex);

    public static List<string> LoadTasks(string root)
    {
        var tasks = new SortedDictionary<long, string>();
        foreach (var o in JsonLines(Path.Combine(root, "meta", "tasks.jsonl")))
            tasks[o["task_index"]!.GetValue<long>()] = o["task"]!.GetValue<string>();
        return tasks.Values.ToList();
    }

    public static List<EpisodeRecord> LoadEpisodes(string root, DatasetInfo info)
    {
        var stats = new Dictionary<long, Dictionary<string, FeatureStats>>();
        string statsPath = Path.Combine(root, "meta", "episodes_stats.jsonl");
        if (File.Exists(statsPath))
            foreach (var o in JsonLines(statsPath))
            {
                var s = StatsJson.FromJson(o["stats"] as JsonObject ?? []);
                StatsShapes.Apply(info, s);
                stats[o["episode_index"]!.GetValue<long>()] = s;
            }
        var episodes = new List<EpisodeRecord>();
        long from = 0;
        foreach (var o in JsonLines(Path.Combine(root, "meta", "episodes.jsonl")).OrderBy(o => o["episode_index"]!.GetValue<long>()))
        {
            long index = o["episode_index"]!.GetValue<long>();
            long length = o["length"]!.GetValue<long>();
            var e = new EpisodeRecord
            {
                EpisodeIndex = index,
                Tasks = (o["tasks"] as JsonArray)?.Select(t => t!.GetValue<string>()).ToList() ?? [],
                Length = length,
                DataChunkIndex = (int)(index / info.ChunksSize),
                DatasetFromIndex = from,
                DatasetToIndex = from + length,
                Stats = stats.GetValueOrDefault(index) ?? [],
            };
            foreach (var f in info.VideoFeatures)
                e.Videos[f.Key] = new VideoSegment(e.DataChunkIndex, 0, 0, (double)length / info.Fps);
            episodes.Add(e);
            from += length;
        }
        return episodes;
    }

    private static IEnumerable<JsonObject> JsonLines(string path)
    {
        if (!File.Exists(path))
            throw new DatasetFormatException($"{path} is missing; a v2.1 dataset needs it.");
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            yield return JsonNode.Parse(text) as JsonObject ?? throw new DatasetFormatException($"{path}:{line} is not a JSON object.");
        }
    }
}
