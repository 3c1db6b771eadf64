using System.Text.Json.Nodes;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's GripperPenaltyProcessorStep: complementary_data["discrete_penalty"] = penalty (e.g. −0.02) when
/// the executed gripper command would change the gripper's state — close while it is open, or open while
/// it is closed — judged on the gripper position before the action, normalized by max_gripper_pos (0
/// closed, 1 open). It discourages toggling the gripper, as HIL-SERL's grasp penalty does. LeRobot v0.5.1
/// read a key that was never filled, so the penalty never applied on real robots; it reads the measured
/// "gripper.pos" here, as LeRobot's later fix does.
/// </summary>
[ProcessorStepName("gripper_penalty_processor")]
public sealed class GripperPenaltyProcessorStep(double penalty, double maxGripperPos) : IProcessorStep
{
    private double? _gripperBefore;

    public double Penalty { get; } = penalty;
    public double MaxGripperPos { get; } = maxGripperPos > 0 ? maxGripperPos : throw new ArgumentOutOfRangeException(nameof(maxGripperPos), maxGripperPos, "max_gripper_pos must be positive.");

    public static GripperPenaltyProcessorStep FromConfig(JsonObject config) =>
        new(StepJson.Double(config, "penalty", -0.01), StepJson.Double(config, "max_gripper_pos", 30));

    public JsonObject GetConfig() => new() { ["penalty"] = Penalty, ["max_gripper_pos"] = MaxGripperPos };

    public EnvTransition Process(EnvTransition transition)
    {
        var now = transition.RawJoints("gripper_penalty_processor").TryGetValue("gripper.pos", out var g) ? g : (double?)null;
        var before = _gripperBefore;
        _gripperBefore = now;
        if (transition.Action is null && transition.RobotAction is null) return transition; // the reset observation
        double value = 0;
        if (before is { } state && transition.ComplementaryData.GetValueOrDefault(HilKeys.TeleopAction) is float[] { Length: > 0 } executed)
        {
            var command = (int)Math.Round(executed[^1]);
            var open = state / MaxGripperPos >= 0.5;
            if ((command == HilKeys.GripperClose && open) || (command == HilKeys.GripperOpen && !open)) value = Penalty;
        }
        transition.ComplementaryData[HilKeys.DiscretePenalty] = value;
        return transition;
    }

    public void Reset() => _gripperBefore = null;
}
