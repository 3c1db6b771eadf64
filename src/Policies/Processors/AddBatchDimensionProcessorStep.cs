using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Processors;

/// <summary>
/// Adds the batch dimension to a single observation: 1-D states and actions, 3-D images. It is the policy
/// boundary of an environment pipeline, whose frames stay uint8 height × width × channels until here: such
/// an image becomes float32 channels × height × width in [0, 1] as it is batched (only the final, cropped
/// image is converted, never a full camera frame per pixel on the way).
/// </summary>
[ProcessorStepName("to_batch_processor")]
public sealed class AddBatchDimensionProcessorStep : IProcessorStep
{
    public static AddBatchDimensionProcessorStep FromConfig(JsonObject config) => new();

    public JsonObject GetConfig() => new();

    public EnvTransition Process(EnvTransition transition)
    {
        var t = transition.ShallowCopy();
        foreach (var key in t.Observation.Keys.ToList())
        {
            var value = t.Observation[key];
            var unbatched = PolicyKeys.IsImage(key) ? value.dim() == 3
                : (key == PolicyKeys.ObservationState || key == PolicyKeys.ObservationEnvironmentState) && value.dim() == 1;
            if (PolicyKeys.IsImage(key) && value.dtype == ScalarType.Byte && (value.dim() is 3 or 4) && (value.shape[^1] is 1 or 3 or 4))
                t.Observation[key] = ToChwFloat(value);
            else if (unbatched) t.Observation[key] = value.unsqueeze(0);
        }
        if (t.Action is { } a && a.dim() == 1) t.Action = a.unsqueeze(0);
        foreach (var key in new[] { "index", "task_index" })
            if (t.ComplementaryData.GetValueOrDefault(key) is Tensor s && s.dim() == 0) t.ComplementaryData[key] = s.unsqueeze(0);
        if (t.ComplementaryData.GetValueOrDefault("task") is string task) t.ComplementaryData["task"] = new[] { task };
        return t;
    }

    /// <summary>uint8 (H, W, C) or (B, H, W, C) → float32 (1|B, C, H, W) in [0, 1].</summary>
    public static Tensor ToChwFloat(Tensor hwc)
    {
        var batched = hwc.dim() == 3 ? hwc.unsqueeze(0) : hwc;
        return batched.permute(0, 3, 1, 2).to(ScalarType.Float32).div_(255f).contiguous();
    }
}
