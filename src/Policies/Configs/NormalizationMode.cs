using System.Text.Json.Serialization;

namespace RobotActors.Policies.Configs;

/// <summary>How a feature is normalized; QUANTILES uses q01/q99 and QUANTILE10 uses q10/q90.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NormalizationMode>))]
public enum NormalizationMode
{
    [JsonStringEnumMemberName("MIN_MAX")] MinMax,
    [JsonStringEnumMemberName("MEAN_STD")] MeanStd,
    [JsonStringEnumMemberName("IDENTITY")] Identity,
    [JsonStringEnumMemberName("QUANTILES")] Quantiles,
    [JsonStringEnumMemberName("QUANTILE10")] Quantile10,
}
