using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace RobotActors.Host.Commands;

/// <summary>
/// The draccus-style flags of LeRobot's scripts as given: "--env.fps=5" or "--env.fps 5" → ("env.fps", "5"),
/// a bare "--resume" → ("resume", "true"). Commands declare their documented flags for --help and read the
/// rest (overrides of a --config_path file) from here.
/// </summary>
public static partial class DottedFlags
{
    public static List<KeyValuePair<string, string>> Parse(ParseResult parse, Command command)
    {
        var tokens = parse.Tokens.Select(t => t.Value).ToList();
        var start = tokens.IndexOf(command.Name);
        var result = new List<KeyValuePair<string, string>>();
        for (var i = start + 1; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"'{token}' is not a flag; write --key=value (e.g. --dataset.root=/data/ds).");
            var body = token[2..];
            var eq = body.IndexOf('=');
            if (eq >= 0) result.Add(new(body[..eq], body[(eq + 1)..]));
            else if (i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal)) result.Add(new(body, tokens[++i]));
            else result.Add(new(body, "true"));
        }
        return result;
    }

    public static string? Get(IReadOnlyList<KeyValuePair<string, string>> flags, string key) =>
        flags.LastOrDefault(kv => kv.Key == key).Value;

    public static int? Int(string? v, string flag) =>
        v is null ? null : int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i
            : throw new ArgumentException($"{flag}={v}: expected a whole number.");

    public static double? Double(string? v, string flag) =>
        v is null ? null : double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d
            : throw new ArgumentException($"{flag}={v}: expected a number.");

    public static bool? Bool(string? v, string flag) =>
        v is null ? null : bool.TryParse(v, out var b) ? b : throw new ArgumentException($"{flag}={v}: expected true or false.");

    /// <summary>
    /// A draccus/YAML flow mapping as LeRobot's CLI takes it ("{ front: {type: opencv, index_or_path: 0}}") as JSON:
    /// bare keys and bare words are quoted; numbers, true, false and null stay.
    /// </summary>
    public static string FlowMappingToJson(string text)
    {
        var json = BareKey().Replace(text, m => $"{m.Groups[1].Value}\"{m.Groups[2].Value}\":");
        return BareValue().Replace(json, m =>
        {
            var word = m.Groups[2].Value;
            var keep = word is "true" or "false" or "null" || double.TryParse(word, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
            return $"{m.Groups[1].Value}{(keep ? word : $"\"{word}\"")}{m.Groups[3].Value}";
        });
    }

    [GeneratedRegex(@"([{,]\s*)([A-Za-z_][\w.\-]*)\s*:")]
    private static partial Regex BareKey();

    [GeneratedRegex(@"(:\s*)([^\s""{}\[\],:][^""{}\[\],]*?)(\s*[,}\]])")]
    private static partial Regex BareValue();
}
