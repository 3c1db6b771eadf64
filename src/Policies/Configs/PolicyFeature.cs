using System.Text.Json;
using System.Text.Json.Serialization;

namespace RobotActors.Policies.Configs;

/// <summary>A policy input or output: its type and shape (images channel-first, C×H×W).</summary>
[JsonConverter(typeof(PolicyFeatureJsonConverter))]
public sealed record PolicyFeature(FeatureType Type, int[] Shape)
{
    public long Size => Shape.Aggregate(1L, (a, b) => a * b);

    public override string ToString() => $"{Type.ToLeRobot()}[{string.Join(", ", Shape)}]";

    public bool Equals(PolicyFeature? other) => other is not null && other.Type == Type && other.Shape.SequenceEqual(Shape);

    public override int GetHashCode() => HashCode.Combine(Type, Shape.Length);
}

/// <summary>
/// LeRobot's PolicyFeature JSON: {"type": "STATE", "shape": [6]} and nothing else. A "size" entry, which
/// configs saved by earlier versions of this project carry, is accepted and ignored.
/// </summary>
public sealed class PolicyFeatureJsonConverter : JsonConverter<PolicyFeature>
{
    public override PolicyFeature Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a feature is an object {\"type\": ..., \"shape\": [...]}");
        FeatureType? type = null;
        int[]? shape = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "type": type = JsonSerializer.Deserialize<FeatureType>(ref reader, options); break;
                case "shape": shape = JsonSerializer.Deserialize<int[]>(ref reader, options); break;
                case "size": reader.Skip(); break;
                default: throw new JsonException($"a feature has 'type' and 'shape', not '{name}'");
            }
        }
        return new PolicyFeature(type ?? throw new JsonException("a feature needs 'type'"), shape ?? throw new JsonException("a feature needs 'shape'"));
    }

    public override void Write(Utf8JsonWriter writer, PolicyFeature value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("type");
        JsonSerializer.Serialize(writer, value.Type, options);
        writer.WritePropertyName("shape");
        JsonSerializer.Serialize(writer, value.Shape, options);
        writer.WriteEndObject();
    }
}
