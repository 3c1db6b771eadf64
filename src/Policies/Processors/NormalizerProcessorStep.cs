using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Processors;

/// <summary>Normalizes every observation in the features (except actions) and the action, when present.</summary>
[ProcessorStepName("normalizer_processor")]
public sealed class NormalizerProcessorStep(IReadOnlyDictionary<string, PolicyFeature> features,
    IReadOnlyDictionary<FeatureType, NormalizationMode> normMap, DatasetStats? stats = null, double eps = 1e-8)
    : NormalizationStep(features, normMap, stats, eps)
{
    protected override bool Inverse => false;

    public static NormalizerProcessorStep FromConfig(JsonObject config)
    {
        var (features, map, eps) = Parse(config);
        return new NormalizerProcessorStep(features, map, null, eps);
    }
}
