using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RobotActors.Policies.Configs;

/// <summary>
/// Reads a config's floating-point field from a number, or from a string holding a number or
/// nan / inf / infinity in any case and with a sign (as Python and draccus write them), so a
/// non-finite value reaches the range check and its one clear message. Writes non-finite values
/// as "NaN" / "Infinity" / "-Infinity".
/// </summary>
public sealed class NamedFloatConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number) return reader.GetDouble();
        if (reader.TokenType == JsonTokenType.String && TryParse(reader.GetString()!, out var value)) return value;
        throw new JsonException($"expected a number, got {(reader.TokenType == JsonTokenType.String ? $"\"{reader.GetString()}\"" : reader.TokenType.ToString().ToLowerInvariant())}");
    }

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }

    /// <summary>A number, or nan / inf / infinity in any case with an optional sign.</summary>
    public static bool TryParse(string text, out double value)
    {
        var t = text.Trim();
        var sign = t.StartsWith('-') ? -1.0 : 1.0;
        var word = t.TrimStart('+', '-').ToLowerInvariant();
        if (word is "nan") { value = double.NaN; return true; }
        if (word is "inf" or "infinity") { value = sign * double.PositiveInfinity; return true; }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>True for nan / inf / infinity in any case, with an optional sign.</summary>
    public static bool IsNamedLiteral(string word) =>
        word.TrimStart('+', '-').ToLowerInvariant() is "nan" or "inf" or "infinity";
}
