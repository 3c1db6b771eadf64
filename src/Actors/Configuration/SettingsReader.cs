using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace RobotActors.Actors.Configuration;

/// <summary>
/// Reads typed values from a HOCON config and turns every conversion failure into a
/// <see cref="SettingsException"/> that names the key, what was found and what was expected.
/// Akka's own getters either throw obscure exceptions or silently return defaults; this does neither.
/// </summary>
public sealed class SettingsReader(Config config, string prefix = "")
{
    /// <summary>One object of a list setting (a robot, a camera): where it is, its reader, the keys it sets.</summary>
    public sealed record Entry(string At, SettingsReader Reader, IReadOnlySet<string> Keys)
    {
        public bool Has(string key) => Keys.Contains(key);
    }

    /// <summary>
    /// The objects of a list setting, each checked to be an object that sets only <paramref name="allowed"/>
    /// keys. A missing or empty list gives none. <paramref name="what"/> names one entry ("robot"), and
    /// <paramref name="example"/> shows one as it should be written.
    /// </summary>
    public static IReadOnlyList<Entry> Entries(HoconValue? value, string key, IReadOnlyCollection<string> allowed, string what, string example)
    {
        if (value is null || value.IsEmpty || Significant(value).All(v => v is HoconArray a && a.Count == 0)) return [];
        if (!value.IsArray() && !IsList(value))
            throw new SettingsException(key, $"expected a list of {what}s", $"Write it as [ {example} ]");
        var entries = new List<Entry>();
        var items = ListItems(value);
        for (var i = 0; i < items.Count; i++)
        {
            var at = $"{key}[{i}]";
            if (!items[i].IsObject())
                throw new SettingsException(at, $"expected an object, got {Raw(items[i])}", $"Write each {what} as {example}");
            var keys = items[i].GetObject().Items.Keys.ToHashSet();
            foreach (var name in keys)
                if (!allowed.Contains(name))
                    throw new SettingsException($"{at}.{name}", $"is not a {what} setting", $"A {what} takes: {string.Join(", ", allowed)}");
            entries.Add(new Entry(at, new SettingsReader(items[i].ToConfig(), at + "."), keys));
        }
        return entries;
    }

    private HoconValue Value(string key)
    {
        var value = config.HasPath(key) ? config.GetValue(key) : null;
        if (value is null || value.IsEmpty)
            throw new SettingsException(prefix + key, "is missing", "Every setting and its default is listed in hocon/robotactors.conf; include that file or set the key");
        return value;
    }

    private static string Raw(HoconValue v) => v.IsObject() ? "an object { ... }" : IsList(v) ? "a list [...]" : $"\"{v.GetString()}\"";

    // Akka's HOCON reports an empty list ([]) as neither array nor string, and on one line inside an object
    // (node { seed-nodes = [] }) it keeps the blank before the closing brace as a second part of the value;
    // look at what the value holds, blanks aside.
    private static bool IsList(HoconValue v) => v.IsArray() || (Significant(v).Count > 0 && Significant(v).All(e => e is HoconArray));

    private static List<IHoconElement> Significant(HoconValue v) =>
        v.Values.Where(e => !(e is HoconLiteral literal && string.IsNullOrWhiteSpace(literal.Value))).ToList();

    private static IList<HoconValue> ListItems(HoconValue v) =>
        v.IsArray() && Significant(v).Count == v.Values.Count ? v.GetArray() : Significant(v).SelectMany(e => ((HoconArray)e).ToList()).ToList();

    /// <summary>A value as written, for a nested list read by <see cref="Entries"/>.</summary>
    public HoconValue RawValue(string key) => Value(key);

    public string String(string key)
    {
        var v = Value(key);
        if (!v.IsString()) throw new SettingsException(prefix + key, $"expected a text value, got {Raw(v)}", "Write it as key = \"value\"");
        return v.GetString();
    }

    public string OneOf(string key, params string[] allowed)
    {
        var s = String(key);
        var match = allowed.FirstOrDefault(a => string.Equals(a, s, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new SettingsException(prefix + key, $"\"{s}\" is not one of {string.Join(", ", allowed)}", $"Use one of: {string.Join(", ", allowed)}");
    }

    public int Int(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        var v = Value(key);
        if (!v.IsString() || !int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            throw new SettingsException(prefix + key, $"expected a whole number, got {Raw(v)}", $"Write a number from {min} to {max}");
        if (n < min || n > max)
            throw new SettingsException(prefix + key, $"{n} is out of range", $"Write a number from {min} to {max}");
        return n;
    }

    public double Double(string key, double min = double.MinValue, double max = double.MaxValue)
    {
        var v = Value(key);
        if (!v.IsString() || !double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
            throw new SettingsException(prefix + key, $"expected a number, got {Raw(v)}", $"Write a number from {min} to {max}");
        if (d < min || d > max)
            throw new SettingsException(prefix + key, $"{d} is out of range", $"Write a number from {min} to {max}");
        return d;
    }

    public bool Bool(string key)
    {
        var v = Value(key);
        var s = v.IsString() ? v.GetString().ToLowerInvariant() : "";
        return s switch
        {
            "true" or "on" or "yes" => true,
            "false" or "off" or "no" => false,
            _ => throw new SettingsException(prefix + key, $"expected true or false, got {Raw(v)}", "Write true or false"),
        };
    }

    public TimeSpan Duration(string key)
    {
        var v = Value(key);
        try
        {
            if (!v.IsString()) throw new FormatException();
            var t = v.GetTimeSpan(allowInfinite: false);
            if (t < TimeSpan.Zero) throw new FormatException();
            return t;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or ConfigurationException)
        {
            throw new SettingsException(prefix + key, $"expected a duration, got {Raw(v)}", "Write a number with a unit, e.g. 500ms, 5s or 2m");
        }
    }

    /// <summary>A size in bytes, written with HOCON's units (512KiB, 1MiB) or as a plain number.</summary>
    public long Bytes(string key, long min = 0, long max = long.MaxValue)
    {
        var v = Value(key);
        long? n;
        try { n = v.IsString() ? v.GetByteSize() : null; }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or ConfigurationException) { n = null; }
        if (n is null)
            throw new SettingsException(prefix + key, $"expected a size, got {Raw(v)}", "Write a number of bytes or a size with a unit, e.g. 512KiB or 1MiB");
        if (n < min || n > max)
            throw new SettingsException(prefix + key, $"{n} bytes is out of range", $"Write a size from {min} to {max} bytes");
        return n.Value;
    }

    public IReadOnlyList<string> StringList(string key)
    {
        var v = Value(key);
        if (!IsList(v)) throw new SettingsException(prefix + key, $"expected a list, got {Raw(v)}", "Write it as key = [\"a\", \"b\"] (or [] for none)");
        return ListItems(v).Select(e => e.IsString() ? e.GetString()
            : throw new SettingsException(prefix + key, $"expected a list of text values, found {Raw(e)}", "Write it as key = [\"a\", \"b\"]")).ToList();
    }
}
