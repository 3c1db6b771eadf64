using System.Text.Json.Nodes;

namespace RobotActors.Datasets.Format;

/// <summary>
/// One entry of info.json "features": dtype, shape, names, plus whatever else LeRobot put there
/// (video "info" / "video_info" blocks), kept verbatim so a rewrite loses nothing.
/// </summary>
public sealed class FeatureSpec
{
    public static readonly string[] DefaultFeatureKeys = ["timestamp", "frame_index", "episode_index", "index", "task_index"];

    public FeatureSpec(string key, string dtype, int[] shape, JsonNode? names = null, JsonObject? extra = null)
    {
        if (shape.Length == 0 || shape.Any(d => d <= 0))
            throw new DatasetFormatException($"Feature '{key}' has shape [{string.Join(",", shape)}]; every dimension must be positive.");
        Key = key;
        DType = dtype;
        Shape = shape;
        Names = names;
        Extra = extra ?? [];
        if (IsVisual && shape.Length != 3)
            throw new DatasetFormatException($"Feature '{key}' is {dtype} with shape [{string.Join(",", shape)}]; images are (height, width, channels).");
    }

    public string Key { get; }
    public string DType { get; }
    public int[] Shape { get; }
    public JsonNode? Names { get; }
    public JsonObject Extra { get; }

    public bool IsImage => DType == DTypes.Image;
    public bool IsVideo => DType == DTypes.Video;
    public bool IsVisual => DTypes.IsVisual(DType);
    public bool IsNumeric => DTypes.IsNumeric(DType);
    public bool IsDefault => DefaultFeatureKeys.Contains(Key);
    public int ElementCount => Shape.Aggregate(1, (a, b) => a * b);
    public int Height => Shape[0];
    public int Width => Shape[1];
    public int Channels => Shape[2];

    /// <summary>Features stored as Parquet columns in data/ files (video frames live in MP4 files).</summary>
    public bool HasParquetColumn => !IsVideo;

    public static FeatureSpec Numeric(string key, string dtype, int[] shape, IReadOnlyList<string>? names = null)
        => new(key, dtype, shape, names is null ? null : new JsonArray(names.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()));

    public static FeatureSpec Camera(string key, int height, int width, int channels = 3, bool video = false)
        => new(key, video ? DTypes.Video : DTypes.Image, [height, width, channels],
            new JsonArray("height", "width", "channels"));

    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["dtype"] = DType,
            ["shape"] = new JsonArray(Shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
            ["names"] = Names?.DeepClone(),
        };
        foreach (var (k, v) in Extra)
            o[k] = v?.DeepClone();
        return o;
    }

    public static FeatureSpec FromJson(string key, JsonObject o, string source = "meta/info.json")
    {
        string dtype = JsonFields.GetString(o["dtype"], source, $"features.{key}.dtype")
            ?? throw new DatasetFormatException($"{source}: feature '{key}' has no dtype.");
        var shapeNode = o["shape"] as JsonArray
            ?? throw new DatasetFormatException($"{source}: feature '{key}' has no shape (a list of dimensions).");
        int[] shape = shapeNode.Select((n, i) => JsonFields.Get<int>(n, source, $"features.{key}.shape[{i}]")
            ?? throw new DatasetFormatException($"{source}: 'features.{key}.shape[{i}]' is null.")).ToArray();
        if (shape.Any(d => d <= 0))
            throw new DatasetFormatException($"{source}: 'features.{key}.shape' is [{string.Join(", ", shape)}]; every dimension must be positive.");
        var extra = new JsonObject();
        foreach (var (k, v) in o)
            if (k is not ("dtype" or "shape" or "names"))
                extra[k] = v?.DeepClone();
        return new FeatureSpec(key, dtype, shape, o["names"]?.DeepClone(), extra);
    }

    /// <summary>The five columns LeRobot adds to every dataset.</summary>
    public static IEnumerable<FeatureSpec> Defaults()
    {
        yield return new FeatureSpec("timestamp", DTypes.Float32, [1]);
        yield return new FeatureSpec("frame_index", DTypes.Int64, [1]);
        yield return new FeatureSpec("episode_index", DTypes.Int64, [1]);
        yield return new FeatureSpec("index", DTypes.Int64, [1]);
        yield return new FeatureSpec("task_index", DTypes.Int64, [1]);
    }

    /// <summary>
    /// LeRobot's dataset_to_policy_features: image/video → VISUAL (shape C,H,W), observation.environment_state
    /// → ENV, other observation.* → STATE, action* → ACTION; null for everything else (rewards, indices).
    /// </summary>
    public (string Type, int[] Shape)? PolicyFeature => this switch
    {
        { IsVisual: true } => ("VISUAL", [Channels, Height, Width]),
        { Key: "observation.environment_state" } => ("ENV", Shape),
        _ when Key.StartsWith("observation.", StringComparison.Ordinal) => ("STATE", Shape),
        _ when Key.StartsWith("action", StringComparison.Ordinal) => ("ACTION", Shape),
        _ => null,
    };

    public override string ToString() => $"{Key} {DType}[{string.Join(",", Shape)}]";
}
