using System.Text.Json.Nodes;

namespace RobotActors.Datasets.Format;

/// <summary>
/// Typed reads of a dataset's JSON metadata that name the file and the key when a value has the wrong
/// type ("meta/info.json: 'fps' must be a number, got "thirty""), instead of System.Text.Json's bare
/// "An element of type 'String' cannot be converted to a 'System.Double'".
/// </summary>
public static class JsonFields
{
    /// <summary>The value of <paramref name="node"/> as <typeparamref name="T"/>, or null when absent.</summary>
    public static T? Get<T>(JsonNode? node, string source, string key) where T : struct
    {
        if (node is null) return null;
        try
        {
            return node.GetValue<T>();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new DatasetFormatException($"{source}: '{key}' must be {Expected(typeof(T))}, got {node.ToJsonString()}.", e);
        }
    }

    public static string? GetString(JsonNode? node, string source, string key)
    {
        if (node is null) return null;
        try
        {
            return node.GetValue<string>();
        }
        catch (InvalidOperationException e)
        {
            throw new DatasetFormatException($"{source}: '{key}' must be a string, got {node.ToJsonString()}.", e);
        }
    }

    private static string Expected(Type t) =>
        t == typeof(int) || t == typeof(long) ? "an integer" : t == typeof(double) || t == typeof(float) ? "a number" : t == typeof(bool) ? "true or false" : t.Name;
}
