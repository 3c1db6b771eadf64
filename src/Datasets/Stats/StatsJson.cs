using System.Text.Json;
using System.Text.Json.Nodes;
using RobotActors.Datasets.Format;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Stats;

/// <summary>meta/stats.json: {feature: {stat: nested list in the stat's shape}}; count is a one-element list.</summary>
public static class StatsJson
{
    public static Dictionary<string, FeatureStats> Load(string root)
    {
        string path = Path.Combine(root, DatasetPaths.StatsPath);
        if (!File.Exists(path))
            return [];
        JsonObject o;
        try
        {
            o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new DatasetFormatException($"{path} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException($"{path} is not valid JSON: {e.Message}. {DatasetFormatException.RecomputeHint(root)}", e);
        }
        try
        {
            return FromJson(o, path);
        }
        catch (DatasetFormatException e)
        {
            throw e.WithHint(DatasetFormatException.RecomputeHint(root));
        }
    }

    public static Dictionary<string, FeatureStats> FromJson(JsonObject o, string source = "stats")
    {
        var result = new Dictionary<string, FeatureStats>();
        foreach (var (feature, node) in o)
        {
            if (node is not JsonObject stats)
                continue;
            int[]? shape = null;
            var fs = new Dictionary<string, double[]>();
            foreach (var (stat, value) in stats)
            {
                var flat = new List<double>();
                var dims = new List<int>();
                Flatten(value, flat, dims, 0, source, $"{feature}.{stat}");
                fs[stat] = flat.ToArray();
                if (stat == FeatureStats.Mean)
                    shape = dims.ToArray();
            }
            var s = new FeatureStats(shape ?? [fs.Values.FirstOrDefault()?.Length ?? 1]);
            foreach (var (k, v) in fs)
                s[k] = v;
            result[feature] = s;
        }
        return result;
    }

    private static void Flatten(JsonNode? node, List<double> flat, List<int> dims, int depth, string source, string key)
    {
        if (node is JsonArray a)
        {
            if (dims.Count == depth)
                dims.Add(a.Count);
            foreach (var item in a)
                Flatten(item, flat, dims, depth + 1, source, key);
        }
        else if (node is JsonValue v)
        {
            flat.Add(JsonFields.Get<double>(v, source, key)!.Value);
        }
    }

    public static JsonObject ToJson(IReadOnlyDictionary<string, FeatureStats> stats)
    {
        var o = new JsonObject();
        foreach (var (feature, s) in stats)
        {
            var fo = new JsonObject();
            foreach (var (stat, values) in s.Values)
            {
                if (stat == FeatureStats.Count)
                    fo[stat] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create((long)v)).ToArray());
                else
                    fo[stat] = Nest(values, s.Shape);
            }
            o[feature] = fo;
        }
        return o;
    }

    /// <summary>Flat values as nested JSON lists of <paramref name="shape"/>.</summary>
    public static JsonNode Nest(double[] values, int[] shape)
    {
        if (shape.Aggregate(1, (a, b) => a * b) != values.Length)
            shape = [values.Length];
        return NestFrom(values, shape, 0, 0);
    }

    private static JsonNode NestFrom(double[] values, int[] shape, int dim, int offset)
    {
        var a = new JsonArray();
        int stride = 1;
        for (int k = dim + 1; k < shape.Length; k++)
            stride *= shape[k];
        for (int i = 0; i < shape[dim]; i++)
            a.Add(dim == shape.Length - 1
                ? JsonValue.Create(values[offset + i])
                : NestFrom(values, shape, dim + 1, offset + i * stride));
        return a;
    }

    public static void Save(string root, IReadOnlyDictionary<string, FeatureStats> stats)
        => AtomicFile.WriteAllText(Path.Combine(root, DatasetPaths.StatsPath),
            ToJson(stats).ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 4 }));
}
