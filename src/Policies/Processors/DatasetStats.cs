using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Processors;

/// <summary>
/// Per-feature statistics ("observation.state" → {"mean", "std", "min", "max", "q01", ...}) as LeRobot
/// keeps them in meta/stats.json.
/// </summary>
public sealed class DatasetStats : Dictionary<string, Dictionary<string, Tensor>>
{
    public DatasetStats() : base(StringComparer.Ordinal) { }

    public DatasetStats Set(string feature, string stat, float[] values, params long[] shape)
    {
        if (!TryGetValue(feature, out var stats)) this[feature] = stats = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        stats[stat] = torch.tensor(values).reshape(shape.Length == 0 ? [values.Length] : shape);
        return this;
    }

    /// <summary>Parses meta/stats.json; non-numeric entries are skipped.</summary>
    public static DatasetStats FromJson(string json)
    {
        var result = new DatasetStats();
        if (JsonNode.Parse(json) is not JsonObject root) return result;
        foreach (var (feature, node) in root)
        {
            if (node is not JsonObject stats) continue;
            foreach (var (stat, value) in stats)
            {
                if (value is null) continue;
                var (data, shape) = Flatten(value);
                if (data is null) continue;
                result.Set(feature, stat, data, shape);
            }
        }
        return result;
    }

    private static (float[]? Data, long[] Shape) Flatten(JsonNode node)
    {
        if (node is JsonValue v) return v.TryGetValue<double>(out var d) ? ([(float)d], []) : (null, []);
        var values = new List<float>();
        var shape = new List<long>();
        void Walk(JsonNode n, int depth)
        {
            if (n is JsonArray a)
            {
                if (shape.Count == depth) shape.Add(a.Count);
                foreach (var item in a) Walk(item!, depth + 1);
            }
            else values.Add((float)n.GetValue<double>());
        }
        try
        {
            Walk(node, 0);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return (null, []);
        }
        return (values.ToArray(), shape.ToArray());
    }
}
