using System.Text.Json.Nodes;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's GripperVelocityToJoint: the gripper command becomes a gripper position. With discrete_gripper the
/// command is an index, 0 = close, 1 = stay, 2 = open (one meaning end to end), giving the velocity
/// (index − 1) × clip_max in this runtime's gripper units, where 0 is closed and clip_max (max_gripper_pos)
/// open; the position is clip(base + velocity × speed_factor, 0, clip_max). v0.5.1 had the sign inverted
/// for SO arms (its 0 opened); LeRobot's later fix agrees with this. The base is the last gripper command,
/// not the measured position, so "stay" while the jaws are blocked by a held cube keeps squeezing instead
/// of relaxing to where the jaws stopped.
/// </summary>
[ProcessorStepName("gripper_velocity_to_joint")]
public sealed class GripperVelocityToJoint(double clipMax = 100, double speedFactor = 1.0, bool discreteGripper = true) : IProcessorStep
{
    private double? _lastCommand;

    public double ClipMax { get; } = clipMax > 0 ? clipMax : throw new ArgumentOutOfRangeException(nameof(clipMax), clipMax, "clip_max (max_gripper_pos) must be positive.");
    public double SpeedFactor { get; } = speedFactor;
    public bool DiscreteGripper { get; } = discreteGripper;

    public static GripperVelocityToJoint FromConfig(JsonObject config) => new(
        StepJson.Double(config, "clip_max", 100), StepJson.Double(config, "speed_factor", 1.0), StepJson.Bool(config, "discrete_gripper", true));

    public JsonObject GetConfig() => new() { ["clip_max"] = ClipMax, ["speed_factor"] = SpeedFactor, ["discrete_gripper"] = DiscreteGripper };

    public EnvTransition Process(EnvTransition transition)
    {
        var action = transition.RobotAction;
        if (action is null || !action.Remove("gripper_vel", out var command)) return transition;
        var measured = transition.RawJoints("gripper_velocity_to_joint").TryGetValue("gripper.pos", out var g) ? g : 0;
        var velocity = DiscreteGripper ? (Math.Round(command) - HilKeys.GripperStay) * ClipMax : command;
        var target = Math.Clamp((_lastCommand ?? measured) + velocity * SpeedFactor, 0, ClipMax);
        if (double.IsFinite(target)) _lastCommand = target;
        action["gripper.pos"] = target; // a NaN stays NaN here; the safety step holds the gripper's last safe goal
        return transition;
    }

    public void Reset() => _lastCommand = null;
}
