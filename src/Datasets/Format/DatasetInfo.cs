using System.Text.Json;
using System.Text.Json.Nodes;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Format;

/// <summary>
/// meta/info.json. Keys LeRobot may add that we do not model (tools, future fields) are kept in
/// <see cref="Raw"/> and written back unchanged.
/// </summary>
public sealed class DatasetInfo
{
    public string CodebaseVersion { get; set; } = DatasetPaths.CodebaseVersion;
    public string? RobotType { get; set; }
    public int Fps { get; set; }
    public long TotalEpisodes { get; set; }
    public long TotalFrames { get; set; }
    public long TotalTasks { get; set; }
    public int ChunksSize { get; set; } = DatasetPaths.DefaultChunksSize;
    public double DataFilesSizeInMb { get; set; } = DatasetPaths.DefaultDataFilesSizeInMb;
    public double VideoFilesSizeInMb { get; set; } = DatasetPaths.DefaultVideoFilesSizeInMb;
    public string DataPath { get; set; } = DatasetPaths.DefaultDataPath;
    public string? VideoPath { get; set; }
    public List<FeatureSpec> Features { get; } = [];
    public JsonObject Raw { get; private set; } = [];

    public FeatureSpec Feature(string key)
        => Features.FirstOrDefault(f => f.Key == key)
            ?? throw new DatasetFormatException($"No feature '{key}' in meta/info.json; it has: {string.Join(", ", Features.Select(f => f.Key))}.");

    public bool HasFeature(string key) => Features.Any(f => f.Key == key);

    public IEnumerable<FeatureSpec> VideoFeatures => Features.Where(f => f.IsVideo);
    public IEnumerable<FeatureSpec> ImageFeatures => Features.Where(f => f.IsImage);
    public IEnumerable<FeatureSpec> ParquetFeatures => Features.Where(f => f.HasParquetColumn);

    public static DatasetInfo Create(int fps, IEnumerable<FeatureSpec> userFeatures, string? robotType = null)
    {
        if (fps <= 0)
            throw new DatasetFormatException($"fps must be a positive integer, got {fps}.");
        var info = new DatasetInfo { Fps = fps, RobotType = robotType };
        foreach (var f in userFeatures)
        {
            if (f.IsDefault)
                throw new DatasetFormatException($"Feature '{f.Key}' is added by the dataset itself; remove it from the features you pass.");
            if (info.HasFeature(f.Key))
                throw new DatasetFormatException($"Feature '{f.Key}' is listed twice.");
            if (!f.IsNumeric && !f.IsVisual)
                throw new DatasetFormatException(
                    $"Feature '{f.Key}' has dtype '{f.DType}', which the recorder does not write; use a numeric dtype (float32, float64, int64, int32, int16, int8, uint8, bool), image or video.");
            info.Features.Add(f);
        }
        info.Features.AddRange(FeatureSpec.Defaults());
        if (info.Features.Any(f => f.IsVideo))
            info.VideoPath = DatasetPaths.DefaultVideoPath;
        return info;
    }

    public static DatasetInfo Load(string root)
    {
        string path = Path.Combine(root, DatasetPaths.InfoPath);
        if (!File.Exists(path))
            throw new DatasetFormatException($"{path} does not exist: '{root}' is not a LeRobot dataset root (expected meta/info.json).");
        JsonObject o;
        try
        {
            o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new DatasetFormatException($"{path} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException($"{path} is not valid JSON: {e.Message}", e);
        }
        try
        {
            return FromJson(o, path);
        }
        catch (DatasetFormatException e)
        {
            throw e.WithHint($"Fix {DatasetPaths.InfoPath} (LeRobot writes it; compare with another dataset's), then run `robotactors dataset validate {root}`.");
        }
    }

    public static DatasetInfo FromJson(JsonObject o, string source)
    {
        var info = new DatasetInfo { Raw = (JsonObject)o.DeepClone() };
        T? Number<T>(string key) where T : struct => JsonFields.Get<T>(o[key], source, key);
        string? Text(string key) => JsonFields.GetString(o[key], source, key);
        info.CodebaseVersion = Text("codebase_version") ?? throw new DatasetFormatException($"{source}: no codebase_version.");
        info.RobotType = Text("robot_type");
        info.Fps = (int)Math.Round(Number<double>("fps") ?? throw new DatasetFormatException($"{source}: no fps."));
        if (info.Fps <= 0)
            throw new DatasetFormatException($"{source}: 'fps' must be a positive number of frames per second, got {o["fps"]!.ToJsonString()}.");
        info.TotalEpisodes = Number<long>("total_episodes") ?? 0;
        info.TotalFrames = Number<long>("total_frames") ?? 0;
        info.TotalTasks = Number<long>("total_tasks") ?? 0;
        info.ChunksSize = Number<int>("chunks_size") ?? DatasetPaths.DefaultChunksSize;
        info.DataFilesSizeInMb = Number<double>("data_files_size_in_mb") ?? DatasetPaths.DefaultDataFilesSizeInMb;
        info.VideoFilesSizeInMb = Number<double>("video_files_size_in_mb") ?? DatasetPaths.DefaultVideoFilesSizeInMb;
        info.DataPath = Text("data_path") ?? DatasetPaths.DefaultDataPath;
        info.VideoPath = Text("video_path");
        var features = o["features"] as JsonObject ?? throw new DatasetFormatException($"{source}: no features.");
        foreach (var (key, node) in features)
            info.Features.Add(FeatureSpec.FromJson(key, node as JsonObject
                ?? throw new DatasetFormatException($"{source}: feature '{key}' is not an object."), source));
        return info;
    }

    public JsonObject ToJson()
    {
        var o = (JsonObject)Raw.DeepClone();
        o["codebase_version"] = CodebaseVersion;
        o["robot_type"] = RobotType;
        o["total_episodes"] = TotalEpisodes;
        o["total_frames"] = TotalFrames;
        o["total_tasks"] = TotalTasks;
        o["chunks_size"] = ChunksSize;
        o["data_files_size_in_mb"] = DataFilesSizeInMb;
        o["video_files_size_in_mb"] = VideoFilesSizeInMb;
        o["fps"] = Fps;
        o["splits"] = new JsonObject { ["train"] = $"0:{TotalEpisodes}" };
        o["data_path"] = DataPath;
        o["video_path"] = VideoPath;
        var features = new JsonObject();
        foreach (var f in Features)
            features[f.Key] = f.ToJson();
        o["features"] = features;
        return o;
    }

    public void Save(string root)
        => AtomicFile.WriteAllText(Path.Combine(root, DatasetPaths.InfoPath),
            ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 4 }));

    public string DataFile(int chunk, int file) => DatasetPaths.Format(DataPath, chunk, file);

    public string VideoFile(string videoKey, int chunk, int file)
        => DatasetPaths.Format(VideoPath ?? DatasetPaths.DefaultVideoPath, chunk, file, videoKey);

    public DatasetInfo Clone() => FromJson(ToJson(), "clone");
}
