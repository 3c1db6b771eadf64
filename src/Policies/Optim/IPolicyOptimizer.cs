using TorchSharp.Modules;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace RobotActors.Policies.Optim;

/// <summary>
/// An optimizer whose state we own, so checkpoints can store it in LeRobot's layout
/// (optimizer_state.safetensors with "/"-flattened keys, optimizer_param_groups.json).
/// </summary>
public interface IPolicyOptimizer
{
    double LearningRate { get; set; }
    double GradClipNorm { get; }
    IReadOnlyList<Parameter> Parameters { get; }
    void ZeroGrad();

    /// <summary>Clips the gradients to GradClipNorm (when positive), then steps; returns the gradient norm before clipping.</summary>
    double Step();
    Dictionary<string, Tensor> StateTensors();
    JsonNode ParamGroups();
    void LoadState(IReadOnlyDictionary<string, Tensor> tensors, JsonNode paramGroups);
}
