using System.Text.Json.Serialization;

namespace RobotActors.Policies.Configs;

/// <summary>What a feature is, serialized with LeRobot's upper-case names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeatureType>))]
public enum FeatureType
{
    [JsonStringEnumMemberName("STATE")] State,
    [JsonStringEnumMemberName("VISUAL")] Visual,
    [JsonStringEnumMemberName("ENV")] Env,
    [JsonStringEnumMemberName("ACTION")] Action,
    [JsonStringEnumMemberName("REWARD")] Reward,
    [JsonStringEnumMemberName("LANGUAGE")] Language,
}

public static class FeatureTypeNames
{
    public static string ToLeRobot(this FeatureType type) => type switch
    {
        FeatureType.State => "STATE",
        FeatureType.Visual => "VISUAL",
        FeatureType.Env => "ENV",
        FeatureType.Action => "ACTION",
        FeatureType.Reward => "REWARD",
        _ => "LANGUAGE",
    };
}
