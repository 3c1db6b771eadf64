using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RobotActors.Rl.Env.Config;

/// <summary>A LeRobot JSON config that cannot be used: the message names the file (or flag), the JSON path and the fix.</summary>
public sealed class LeRobotConfigException(string message) : Exception(message);

/// <summary>
/// Where a config came from, the draccus-style flags laid over it (so an error in a flag's value names the
/// flag, not the file), and the warnings about keys that are accepted but have no effect here.
/// </summary>
public sealed class ConfigSource(string file)
{
    private readonly Dictionary<string, string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    public string File { get; } = file;
    public List<string> Warnings { get; } = [];

    /// <summary>Where a value at <paramref name="path"/> came from: "--env.fps=5" or the file.</summary>
    public string Origin(string path) => _flags.TryGetValue(path, out var flag) ? flag : File;

    public LeRobotConfigException Error(string path, string problem) => new($"{Origin(path)}: {(path.Length == 0 ? "" : path + ": ")}{problem}");

    /// <summary>One warning line per key that is accepted but does nothing here.</summary>
    public void Warn(string path, string why)
    {
        if (_warned.Add(path)) Warnings.Add($"warning: {path} is ignored: {why}");
    }

    /// <summary>
    /// Applies draccus-style overrides ("env.fps" = "5") to the JSON: a value that parses as JSON is used as
    /// such (numbers, true/false, null, lists, objects), anything else as a string; missing sections are created.
    /// </summary>
    public void ApplyOverrides(JsonObject root, IEnumerable<KeyValuePair<string, string>> overrides)
    {
        foreach (var (path, raw) in overrides)
        {
            var parts = path.Split('.');
            if (parts.Any(p => p.Length == 0)) throw new LeRobotConfigException($"--{path}: not a config path (write --section.key=value).");
            var node = root;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (node[parts[i]] is not JsonObject child)
                {
                    child = new JsonObject();
                    node[parts[i]] = child;
                }
                node = child;
            }
            JsonNode? value;
            try { value = JsonNode.Parse(raw); }
            catch (JsonException) { value = JsonValue.Create(raw); }
            node[parts[^1]] = value;
            _flags[path] = $"--{path}={raw}";
        }
    }
}

/// <summary>
/// A strict reader of one JSON object of a LeRobot config, as draccus reads it into a dataclass: every key
/// is either read, or accepted-and-ignored with a warning; <see cref="Done"/> refuses the rest, naming the
/// JSON path and the closest known key. Types are checked, and an error names the path and the value.
/// </summary>
public sealed class ConfigSection
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public ConfigSection(JsonObject json, string path, ConfigSource source)
    {
        Json = json;
        Path = path;
        Source = source;
    }

    public JsonObject Json { get; }
    public string Path { get; }
    public ConfigSource Source { get; }

    public string At(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public LeRobotConfigException Error(string key, string problem) => Source.Error(At(key), problem);

    public bool Has(string key)
    {
        _known.Add(key);
        return Json[key] is not null;
    }

    private JsonNode? Node(string key)
    {
        _known.Add(key);
        return Json[key];
    }

    public string? String(string key, string? fallback = null)
    {
        var node = Node(key);
        if (node is null) return fallback;
        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Error(key, $"expected a string, got {Show(node)}.");
    }

    public string RequiredString(string key, string hint) => String(key) ?? throw Error(key, $"is required: {hint}");

    public bool Bool(string key, bool fallback)
    {
        var node = Node(key);
        if (node is null) return fallback;
        return node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw Error(key, $"expected true or false, got {Show(node)}.");
    }

    public double Double(string key, double fallback) => OptionalDouble(key) ?? fallback;

    public double? OptionalDouble(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? Number(v) : throw Error(key, $"expected a number, got {Show(node)}.");
    }

    public int Int(string key, int fallback) => OptionalInt(key) ?? fallback;

    public int? OptionalInt(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            var d = Number(v);
            if (d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue) return (int)d;
        }
        throw Error(key, $"expected an integer, got {Show(node)}.");
    }

    /// <summary>A list of numbers; with <paramref name="count"/>, exactly that many.</summary>
    public double[]? Doubles(string key, int? count = null)
    {
        var node = Node(key);
        if (node is null) return null;
        if (node is not JsonArray a || a.Any(n => n is not JsonValue v || v.GetValueKind() != JsonValueKind.Number))
            throw Error(key, $"expected a list of numbers, got {Show(node)}.");
        if (count is { } c && a.Count != c) throw Error(key, $"expected {c} numbers, got {a.Count}.");
        return a.Select(n => Number(n!.AsValue())).ToArray();
    }

    /// <summary>A nested object; null when absent or null. A non-object is a type error.</summary>
    public ConfigSection? Section(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        return node is JsonObject o ? new ConfigSection(o, At(key), Source) : throw Error(key, $"expected an object, got {Show(node)}.");
    }

    /// <summary>The entries of a dict-valued key (cameras, crop_params_dict) as sections or raw nodes.</summary>
    public IEnumerable<(string Key, JsonNode? Value, string Path)> Entries(string key)
    {
        var node = Node(key);
        if (node is null) yield break;
        if (node is not JsonObject o) throw Error(key, $"expected an object, got {Show(node)}.");
        foreach (var (k, v) in o) yield return (k, v, $"{At(key)}.{k}");
    }

    public ConfigSection Child(string key, JsonNode? value) =>
        value is JsonObject o ? new ConfigSection(o, At(key), Source) : throw Error(key, $"expected an object, got {Show(value)}.");

    /// <summary>Accepts a key whose value this runtime cannot honour, with one warning when <paramref name="matters"/> says the value asks for something.</summary>
    public void Ignore(string key, string why, Func<JsonNode, bool>? matters = null)
    {
        var node = Node(key);
        if (node is not null && (matters?.Invoke(node) ?? true)) Source.Warn(At(key), why);
    }

    /// <summary>Refuses every key that was neither read nor ignored.</summary>
    public void Done()
    {
        foreach (var (key, _) in Json)
        {
            if (_known.Contains(key)) continue;
            var suggestion = Closest(key, _known);
            throw Error(key, $"unknown key{(suggestion is null ? "" : $"; did you mean '{suggestion}'?")} Known keys here: {string.Join(", ", _known.Order(StringComparer.Ordinal))}.");
        }
    }

    /// <summary>A number whether the JSON was parsed from text or built in memory from an int or a double.</summary>
    public static double Number(JsonValue v) => double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);

    public static string Show(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"\"{v.GetValue<string>()}\"",
        JsonArray => "a list " + node.ToJsonString(),
        JsonObject => "an object",
        _ => node.ToJsonString(),
    };

    private static string? Closest(string key, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            var d = k.StartsWith(key, StringComparison.Ordinal) || key.StartsWith(k, StringComparison.Ordinal) ? 1 : Distance(key, k);
            if (d < bestDistance) (best, bestDistance) = (k, d);
        }
        return best is not null && bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    public static string Format(double v) => v.ToString(CultureInfo.InvariantCulture);
}
