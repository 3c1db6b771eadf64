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
    };

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
            return JsonNode.Parse(raw);
        }
        catch (JsonException)
        {
            return JsonValue.Create(raw);
        }
    }
}
