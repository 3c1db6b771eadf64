using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Processors;

/// <summary>The inverse of the normalizer, applied to the policy's action (and any listed observation).</summary>
[ProcessorStepName("unnormalizer_processor")]
public sealed class UnnormalizerProcessorStep(IReadOnlyDictionary<string, PolicyFeature> features,
    IReadOnlyDictionary<FeatureType, NormalizationMode> normMap, DatasetStats? stats = null, double eps = 1e-8)
    : NormalizationStep(features, normMap, stats, eps)
{
    protected override bool Inverse => true;

    public static UnnormalizerProcessorStep FromConfig(JsonObject config)
    {
        var (features, map, eps) = Parse(config);
        return new UnnormalizerProcessorStep(features, map, null, eps);
    }
}
