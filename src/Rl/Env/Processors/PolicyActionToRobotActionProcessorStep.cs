using System.Text.Json.Nodes;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>LeRobot's PolicyActionToRobotActionProcessorStep: a joint action vector → {"&lt;motor&gt;.pos": value} in motor order (joint control).</summary>
[ProcessorStepName("policy_action_to_robot_action_processor")]
public sealed class PolicyActionToRobotActionProcessorStep(IReadOnlyList<string> motorNames) : IProcessorStep
{
    public IReadOnlyList<string> MotorNames { get; } = motorNames.Count > 0 ? motorNames : throw new ArgumentException("policy_action_to_robot_action_processor needs motor_names.");

    public static PolicyActionToRobotActionProcessorStep FromConfig(JsonObject config) => new(StepJson.Strings(config, "motor_names"));

    public JsonObject GetConfig() => new() { ["motor_names"] = StepJson.Array(MotorNames) };

    public EnvTransition Process(EnvTransition transition)
    {
        var values = transition.ActionValues();
        if (values.Length != MotorNames.Count)
            throw new InvalidOperationException($"policy_action_to_robot_action_processor: {values.Length} values for {MotorNames.Count} motors ({string.Join(", ", MotorNames)}).");
        var action = new Dictionary<string, double>(values.Length);
        for (var i = 0; i < values.Length; i++) action[MotorNames[i] + ".pos"] = values[i];
        transition.RobotAction = action;
        return transition;
    }
}
