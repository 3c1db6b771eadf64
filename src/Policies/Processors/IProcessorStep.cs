using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using static TorchSharp.torch;

namespace RobotActors.Policies.Processors;

/// <summary>
/// One step of a processor pipeline. A step class carries [ProcessorStepName("...")] and a public static
/// FromConfig(JsonObject) so a saved pipeline can be rebuilt by registry name.
/// </summary>
public interface IProcessorStep
{
    EnvTransition Process(EnvTransition transition);

    /// <summary>Propagates feature shapes without touching data.</summary>
    Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> TransformFeatures(
        Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> features) => features;

    /// <summary>The constructor arguments as JSON, written to the pipeline's config file.</summary>
    JsonObject GetConfig();

    Dictionary<string, Tensor> StateDict() => new();

    void LoadStateDict(IReadOnlyDictionary<string, Tensor> state) { }

    void Reset() { }
}
