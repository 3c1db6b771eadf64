using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Processors;

/// <summary>Adds the batch dimension to a single observation: 1-D states and actions, 3-D images.</summary>
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
            if (unbatched) t.Observation[key] = value.unsqueeze(0);
        }
        if (t.Action is { } a && a.dim() == 1) t.Action = a.unsqueeze(0);
        foreach (var key in new[] { "index", "task_index" })
            if (t.ComplementaryData.GetValueOrDefault(key) is Tensor s && s.dim() == 0) t.ComplementaryData[key] = s.unsqueeze(0);
        if (t.ComplementaryData.GetValueOrDefault("task") is string task) t.ComplementaryData["task"] = new[] { task };
        return t;
    }
}
