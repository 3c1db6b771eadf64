using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Processors;

/// <summary>Normalizes every observation in the features (except actions) and the action, when present.</summary>
[ProcessorStepName("normalizer_processor")]
public sealed class NormalizerProcessorStep(IReadOnlyDictionary<string, PolicyFeature> features,
    IReadOnlyDictionary<FeatureType, NormalizationMode> normMap, DatasetStats? stats = null, double eps = 1e-8)
    : NormalizationStep(features, normMap, stats, eps)
{
    public static NormalizerProcessorStep FromConfig(JsonObject config)
    {
        var (features, map, eps) = Parse(config);
        return new NormalizerProcessorStep(features, map, null, eps);
    }

    public override EnvTransition Process(EnvTransition transition)
    {
        var t = transition.ShallowCopy();
        foreach (var key in t.Observation.Keys.ToList())
            if (Features.TryGetValue(key, out var f) && f.Type != FeatureType.Action)
                t.Observation[key] = Apply(t.Observation[key], key, inverse: false);
        if (t.Action is not null) t.Action = Apply(t.Action, PolicyKeys.Action, inverse: false);
        return t;
    }
}
