using System.Text.Json.Nodes;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's MapDeltaActionToRobotActionStep: {delta_*, gripper} → {enabled, target_x/y/z = delta × position_scale,
/// target_wx/wy/wz = 0, gripper_vel = the gripper index}; enabled when the delta is larger than noise_threshold.
/// </summary>
[ProcessorStepName("map_delta_action_to_robot_action")]
public sealed class MapDeltaActionToRobotActionStep(double positionScale = 1.0, double noiseThreshold = 1e-3) : IProcessorStep
{
    public double PositionScale { get; } = positionScale;
    public double NoiseThreshold { get; } = noiseThreshold;

    public static MapDeltaActionToRobotActionStep FromConfig(JsonObject config) =>
        new(StepJson.Double(config, "position_scale", 1.0), StepJson.Double(config, "noise_threshold", 1e-3));

    public JsonObject GetConfig() => new() { ["position_scale"] = PositionScale, ["noise_threshold"] = NoiseThreshold };

    public EnvTransition Process(EnvTransition transition)
    {
        var delta = transition.RobotAction ?? throw new InvalidOperationException("map_delta_action_to_robot_action needs a delta action dict (run map_tensor_to_delta_action_dict first).");
        double dx = delta.GetValueOrDefault("delta_x"), dy = delta.GetValueOrDefault("delta_y"), dz = delta.GetValueOrDefault("delta_z");
        var norm = Math.Sqrt(dx * dx + dy * dy + dz * dz);
        transition.RobotAction = new Dictionary<string, double>
        {
            // A NaN delta is not "small": it goes on, enabled, to the bounds step, which holds the last safe pose.
            ["enabled"] = norm > NoiseThreshold || double.IsNaN(norm) ? 1 : 0,
            ["target_x"] = dx * PositionScale, ["target_y"] = dy * PositionScale, ["target_z"] = dz * PositionScale,
            ["target_wx"] = 0, ["target_wy"] = 0, ["target_wz"] = 0,
            ["gripper_vel"] = delta.TryGetValue("gripper", out var g) ? g : HilKeys.GripperStay,
        };
        return transition;
    }
}
