using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RobotActors.Policies.Configs;

/// <summary>
/// Checks every numeric field of a config object against its <see cref="ConfigRangeAttribute"/>, and
/// every floating-point field for being finite, walking nested objects (kwargs), lists, arrays and
/// dictionaries. Field paths are LeRobot's JSON names ("critic_network_kwargs.hidden_dims[1]").
/// </summary>
public static class ConfigRanges
{
    /// <summary>One field whose value breaks its rule.</summary>
    public sealed record Violation(string Path, string Value, string Requirement)
    {
        public override string ToString() => $"{Path} {Requirement}, got {Value}";
    }

    /// <summary>Every violation in <paramref name="config"/>, in property order.</summary>
    public static IReadOnlyList<Violation> Find(object config, string prefix = "")
    {
        var found = new List<Violation>();
        Walk(config, prefix, found, depth: 0);
        return found;
    }

    /// <summary>
    /// Throws one <see cref="PolicyConfigException"/> naming the first field that breaks its rule, its
    /// value and the rule. <paramref name="describe"/> turns a field path into what the user typed
    /// (e.g. "--policy.actor_lr", or "actor_lr in config.json").
    /// </summary>
    public static void Check(object config, Func<string, string>? describe = null, string prefix = "")
    {
        var violations = Find(config, prefix);
        if (violations.Count == 0) return;
        var v = violations[0];
        var more = violations.Count > 1 ? $" (and {violations.Count - 1} more: {string.Join("; ", violations.Skip(1).Select(x => x.ToString()))})" : "";
        throw new PolicyConfigException($"{describe?.Invoke(v.Path) ?? v.Path} {v.Requirement}, got {v.Value}{more}");
    }

    private static void Walk(object node, string prefix, List<Violation> found, int depth)
    {
        if (depth > 8) return; // configs are shallow; this only guards against a cycle
        foreach (var property in node.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // Only what a user can set: computed properties (effective_target_entropy) follow from the rest.
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null || property.SetMethod is null
                || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
                continue;
            var value = property.GetValue(node);
            if (value is null) continue;
            CheckValue(value, prefix + JsonName(property), property.GetCustomAttribute<ConfigRangeAttribute>(), found, depth);
        }
    }

    private static void CheckValue(object value, string path, ConfigRangeAttribute? range, List<Violation> found, int depth)
    {
        switch (value)
        {
            case string or bool or Enum:
                return;
            case double or float or int or long or short or byte or decimal:
            {
                var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (value is double or float && !double.IsFinite(number))
                    found.Add(new Violation(path, Format(number), range?.Requirement ?? "must be a finite number"));
                else if (range is not null && !range.Allows(number))
                    found.Add(new Violation(path, Format(number), range.Requirement));
                return;
            }
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                    if (entry.Value is not null)
                        CheckValue(entry.Value, $"{path}.{entry.Key}", range, found, depth + 1);
                return;
            case IEnumerable list:
            {
                var i = 0;
                foreach (var item in list)
                {
                    if (item is not null) CheckValue(item, $"{path}[{i}]", range, found, depth + 1);
                    i++;
                }
                return;
            }
        }
        if (value.GetType().IsClass && value.GetType().Namespace?.StartsWith("System", StringComparison.Ordinal) != true)
            Walk(value, path + ".", found, depth + 1);
    }

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);

    private static string Format(double v) => double.IsNaN(v) ? "NaN"
        : double.IsPositiveInfinity(v) ? "Infinity"
        : double.IsNegativeInfinity(v) ? "-Infinity"
        : v.ToString("R", CultureInfo.InvariantCulture);
}
