using System.Text.Json.Nodes;
using RobotActors.Policies.Processors;

namespace RobotActors.Policy.Tiny;

/// <summary>A plugin-defined step, saved and reloaded by its registry name.</summary>
[ProcessorStepName("tiny_action_clip_processor")]
public sealed class ActionClipProcessorStep(double limit) : IProcessorStep
{
    public static ActionClipProcessorStep FromConfig(JsonObject config) => new(config["limit"]!.GetValue<double>());

    public JsonObject GetConfig() => new() { ["limit"] = limit };

    public EnvTransition Process(EnvTransition transition)
    {
        var t = transition.ShallowCopy();
        if (t.Action is not null) t.Action = t.Action.clamp(-limit, limit);
        return t;
    }
}
