using System.Text.Json;
using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Processors;

/// <summary>Renames observation keys (e.g. a camera called "front" in the dataset and "top" in the policy).</summary>
[ProcessorStepName("rename_observations_processor")]
public sealed class RenameObservationsProcessorStep(IReadOnlyDictionary<string, string>? renameMap = null) : IProcessorStep
{
    public IReadOnlyDictionary<string, string> RenameMap { get; } = renameMap ?? new Dictionary<string, string>();

    public static RenameObservationsProcessorStep FromConfig(JsonObject config) =>
        new(config["rename_map"]?.Deserialize<Dictionary<string, string>>() ?? new());

    public JsonObject GetConfig() => new() { ["rename_map"] = JsonSerializer.SerializeToNode(RenameMap) };

    public EnvTransition Process(EnvTransition transition)
    {
        var t = transition.ShallowCopy();
        t.Observation.Clear();
        foreach (var (key, value) in transition.Observation)
            t.Observation[RenameMap.GetValueOrDefault(key, key)] = value;
        return t;
    }

    public Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> TransformFeatures(
        Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> features)
    {
        var result = new Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>>(features);
        if (features.TryGetValue(PipelineFeatureType.Observation, out var obs))
            result[PipelineFeatureType.Observation] = obs.ToDictionary(kv => RenameMap.GetValueOrDefault(kv.Key, kv.Key), kv => kv.Value);
        return result;
    }
}
