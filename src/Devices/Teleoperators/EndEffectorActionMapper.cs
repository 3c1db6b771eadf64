using RobotActors.Devices.Kinematics;

namespace RobotActors.Devices.Teleoperators;

/// <summary>
/// The compact end-effector mapping of the simulated workcell's rollouts (Devices cannot use RobotActors.Rl).
/// The command line and the actors run LeRobot's step-by-step version, RobotActors.Rl's ControlPipeline.
/// Turns end-effector deltas (delta_x/y/z from a gamepad or keyboard, gripper 0 close / 1 stay /
/// 2 open) into joint goals, the way LeRobot's EE processor chain does: a latched target pose
/// moved by step sizes, clamped to the end-effector bounds, then one damped-least-squares IK step
/// from the present joints; the gripper moves by a speed factor within 0..max_gripper_pos.
/// </summary>
public sealed class EndEffectorActionMapper(
    RobotKinematics kinematics, EndEffectorBounds bounds, double[] stepSizes, double gripperSpeedFactor = 20, double maxGripperPos = 100)
{
    private Transform? _target;

    public Transform? Target => _target;

    /// <param name="observation">The robot's joint positions in degrees ("shoulder_pan.pos", ...; gripper in 0..100).</param>
    /// <param name="teleopAction">delta_x, delta_y, delta_z and optionally gripper.</param>
    public Dictionary<string, double> Map(IReadOnlyDictionary<string, double> observation, IReadOnlyDictionary<string, double> teleopAction)
    {
        var names = kinematics.JointNames;
        var current = names.Select(n => observation[n.EndsWith(".pos") ? n : n + ".pos"]).ToArray();
        // Latched reference: deltas accumulate on the target, so small errors of the arm do not drift it.
        var target = _target ??= kinematics.ForwardKinematics(current);
        var desired = new[]
        {
            target.P[0] + teleopAction.GetValueOrDefault("delta_x") * stepSizes[0],
            target.P[1] + teleopAction.GetValueOrDefault("delta_y") * stepSizes[1],
            target.P[2] + teleopAction.GetValueOrDefault("delta_z") * stepSizes[2],
        };
        _target = target with { P = bounds.Clamp(desired) };
        var joints = kinematics.InverseKinematics(current, _target.Value);
        var action = new Dictionary<string, double>();
        for (var i = 0; i < names.Count; i++)
            action[names[i].EndsWith(".pos") ? names[i] : names[i] + ".pos"] = joints[i];
        if (teleopAction.TryGetValue("gripper", out var g) && observation.TryGetValue("gripper.pos", out var gripper))
            action["gripper.pos"] = Math.Clamp(gripper + (g - 1) * gripperSpeedFactor, 0, maxGripperPos);
        return action;
    }
}
