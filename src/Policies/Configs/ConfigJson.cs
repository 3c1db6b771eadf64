using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace RobotActors.Policies.Configs;

/// <summary>
/// JSON conventions shared by every config: LeRobot's snake_case field names, unknown fields refused
/// (as draccus refuses them), four-space indentation as LeRobot writes config.json.
/// </summary>
public static class ConfigJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        IndentSize = 4,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new NamedFloatConverter() },
    };

    /// <summary>
    /// Python's json module writes NaN and Infinity as bare words, which are not JSON; quote them (in
    /// any case, outside strings) so they parse and reach the range check like any other value.
    /// </summary>
    public static string QuoteNamedFloats(string json)
    {
        var result = new System.Text.StringBuilder(json.Length);
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                result.Append(c);
                if (c == '\\' && i + 1 < json.Length) result.Append(json[++i]);
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') { inString = true; result.Append(c); continue; }
            if (char.IsLetter(c) || (c is '-' or '+' && i + 1 < json.Length && char.IsLetter(json[i + 1])))
            {
                var start = i;
                i++;
                while (i < json.Length && char.IsLetter(json[i])) i++;
                var word = json[start..i];
                i--;
                result.Append(NamedFloatConverter.IsNamedLiteral(word) ? $"\"{word}\"" : word);
                continue;
            }
            result.Append(c);
        }
        return result.ToString();
    }

    /// <summary>
    /// Applies LeRobot-style dotted overrides ("critic_network_kwargs.hidden_dims" = "[64,64]") to a JSON
    /// object. A value that parses as JSON is used as such, anything else is taken as a string.
    /// </summary>
    public static void ApplyOverrides(JsonObject target, IEnumerable<KeyValuePair<string, string>> overrides)
    {
        foreach (var (path, raw) in overrides)
        {
            var parts = path.Split('.');
            var node = target;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (node[parts[i]] is not JsonObject child)
                {
                    child = new JsonObject();
                    node[parts[i]] = child;
                }
                node = child;
            }
            node[parts[^1]] = ParseValue(raw);
        }
    }

    private static JsonNode? ParseValue(string raw)
    {
        try
        {
            return JsonNode.Parse(QuoteNamedFloats(raw));
        }
        catch (JsonException)
        {
            return JsonValue.Create(raw);
        }
    }

    /// <summary>"$.critic_network_kwargs.hidden_dims[0]" → "critic_network_kwargs.hidden_dims[0]".</summary>
    public static string FieldPath(string? jsonPath) =>
        jsonPath is null or "$" ? "" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');

    /// <summary>The node at a field path ("a.b[1]") of <paramref name="root"/>, or null.</summary>
    public static JsonNode? Find(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var part in path.Split('.'))
        {
            var name = part;
            var index = -1;
            var bracket = part.IndexOf('[');
            if (bracket >= 0)
            {
                name = part[..bracket];
                _ = int.TryParse(part[(bracket + 1)..].TrimEnd(']'), out index);
            }
            node = node is JsonObject o && o.TryGetPropertyValue(name, out var child) ? child : null;
            if (index >= 0) node = node is JsonArray a && index < a.Count ? a[index] : null;
            if (node is null) return null;
        }
        return node;
    }

    /// <summary>A deserialization failure in the user's terms: "expected an integer, got "nan"".</summary>
    public static string Explain(JsonException e, JsonNode? value = null)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        const string marker = "could not be converted to ";
        var at = message.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return message;
        var target = message[(at + marker.Length)..].TrimEnd('.');
        var expected = target switch
        {
            var t when t.Contains("Int32") || t.Contains("Int64") => "an integer",
            var t when t.Contains("Double") || t.Contains("Single") => "a number",
            var t when t.Contains("Boolean") => "true or false",
            var t when t.Contains("String") => "a string",
            var t when t.Contains("[]") || t.Contains("List") => "a list",
            var t => $"a {t.Split('.').Last()}",
        };
        return value is null ? $"expected {expected}" : $"expected {expected}, got {value.ToJsonString()}";
    }
}
