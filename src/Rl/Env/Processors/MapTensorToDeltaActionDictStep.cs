using System.Text.Json.Nodes;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>LeRobot's MapTensorToDeltaActionDictStep: the action vector → {delta_x, delta_y, delta_z[, gripper]}.</summary>
[ProcessorStepName("map_tensor_to_delta_action_dict")]
public sealed class MapTensorToDeltaActionDictStep(bool useGripper = true) : IProcessorStep
{
    public bool UseGripper { get; } = useGripper;

    public static MapTensorToDeltaActionDictStep FromConfig(JsonObject config) => new(StepJson.Bool(config, "use_gripper", true));

    public JsonObject GetConfig() => new() { ["use_gripper"] = UseGripper };

    public EnvTransition Process(EnvTransition transition)
    {
        var names = HilKeys.DeltaActionNames(UseGripper);
        var values = transition.ActionValues();
        if (values.Length != names.Count)
            throw new InvalidOperationException($"map_tensor_to_delta_action_dict: expected {names.Count} values ({string.Join(", ", names)}), got {values.Length}.");
        var action = new Dictionary<string, double>(names.Count);
        for (var i = 0; i < names.Count; i++) action[names[i]] = values[i];
        transition.RobotAction = action;
        return transition;
    }
}
