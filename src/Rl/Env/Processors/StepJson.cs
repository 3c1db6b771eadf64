using System.Text.Json.Nodes;

namespace RobotActors.Rl.Env.Processors;

/// <summary>Reading and writing the small configs of the HIL-SERL steps (LeRobot's get_config fields).</summary>
internal static class StepJson
{
    public static double Double(JsonObject c, string key, double fallback) => c[key] is { } n ? Number(n) : fallback;
    public static int Int(JsonObject c, string key, int fallback) => c[key] is { } n ? checked((int)Number(n)) : fallback;

    /// <summary>A number whether the node was parsed (a JSON element) or built in memory from an int or a double.</summary>
    public static double Number(JsonNode n) => double.Parse(n.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
    public static bool Bool(JsonObject c, string key, bool fallback) => c[key] is { } n ? n.GetValue<bool>() : fallback;
    public static string? String(JsonObject c, string key) => c[key]?.GetValue<string>();

    public static string[] Strings(JsonObject c, string key) =>
        c[key] is JsonArray a ? a.Select(n => n!.GetValue<string>()).ToArray() : [];

    public static double[] Doubles(JsonNode? node) => node is JsonArray a ? a.Select(n => Number(n!)).ToArray() : [];

    public static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
    public static JsonArray Array(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
    public static JsonArray Array(IEnumerable<int> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
