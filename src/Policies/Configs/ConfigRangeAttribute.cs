using System.Globalization;

namespace RobotActors.Policies.Configs;

/// <summary>
/// The values a numeric config field may take, written as the user reads it: "&gt; 0", "&gt;= 1", "&lt;= 10",
/// "(0, 1]", "[0, 1)". On a list or array it applies to every element, on a dictionary to every value.
/// Checked by <see cref="ConfigRanges.Check"/> after a config is read, before anything is built; a
/// floating-point field must also be finite, with or without this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConfigRangeAttribute : Attribute
{
    private readonly double _min = double.NegativeInfinity, _max = double.PositiveInfinity;
    private readonly bool _minOpen, _maxOpen, _interval;

    public ConfigRangeAttribute(string rule)
    {
        Rule = rule;
        var r = rule.Trim();
        if (r.Length > 2 && r[0] is '(' or '[' && r[^1] is ')' or ']')
        {
            var parts = r[1..^1].Split(',');
            if (parts.Length != 2) throw Malformed();
            (_min, _max, _minOpen, _maxOpen, _interval) = (Number(parts[0]), Number(parts[1]), r[0] == '(', r[^1] == ')', true);
        }
        else if (r.StartsWith(">=", StringComparison.Ordinal)) _min = Number(r[2..]);
        else if (r.StartsWith("<=", StringComparison.Ordinal)) _max = Number(r[2..]);
        else if (r.StartsWith('>')) (_min, _minOpen) = (Number(r[1..]), true);
        else if (r.StartsWith('<')) (_max, _maxOpen) = (Number(r[1..]), true);
        else throw Malformed();
    }

    /// <summary>The rule as written on the property, e.g. "(0, 1]".</summary>
    public string Rule { get; }

    /// <summary>"must be &gt; 0" or "must be in (0, 1]".</summary>
    public string Requirement => _interval ? $"must be in {Rule}" : $"must be {Rule}";

    public bool Allows(double value) =>
        !double.IsNaN(value)
        && (_minOpen ? value > _min : value >= _min)
        && (_maxOpen ? value < _max : value <= _max);

    private double Number(string text) => double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Malformed();

    private ArgumentException Malformed() =>
        new($"[ConfigRange(\"{Rule}\")] is not a rule; write \"> 0\", \">= 1\", \"< 1\", \"<= 10\" or an interval such as \"(0, 1]\"");
}
