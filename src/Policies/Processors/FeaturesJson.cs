using System.Text.Json;
using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Processors;

/// <summary>JSON for the features and norm_map a normalizer step saves in its config.</summary>
internal static class FeaturesJson
{
    public static JsonObject Write(IReadOnlyDictionary<string, PolicyFeature> features) =>
        JsonSerializer.SerializeToNode(features, ConfigJson.Options)!.AsObject();

    public static Dictionary<string, PolicyFeature> ReadFeatures(JsonNode? node) =>
        node?.Deserialize<Dictionary<string, PolicyFeature>>(ConfigJson.Options) ?? new();

    public static JsonObject Write(IReadOnlyDictionary<FeatureType, NormalizationMode> map) =>
        JsonSerializer.SerializeToNode(map.ToDictionary(kv => kv.Key.ToLeRobot(), kv => kv.Value), ConfigJson.Options)!.AsObject();

    public static Dictionary<FeatureType, NormalizationMode> ReadNormMap(JsonNode? node)
    {
        var raw = node?.Deserialize<Dictionary<string, NormalizationMode>>(ConfigJson.Options) ?? new();
        return raw.ToDictionary(kv => JsonSerializer.Deserialize<FeatureType>($"\"{kv.Key}\"", ConfigJson.Options), kv => kv.Value);
    }
}
