using RobotActors.Devices.Workcell.Geometry;

namespace RobotActors.Devices.Workcell;

/// <summary>
/// The ground truth of a workcell at one instant, for tests, eval and the scripted operator (never a
/// policy's observation unless a config asks for the environment state).
/// </summary>
public sealed record WorkcellState
{
    public required double Time { get; init; }
    public required long Episode { get; init; }
    /// <summary>The gripper frame (LeRobot's end effector) in the base frame.</summary>
    public required Vec3 EndEffector { get; init; }
    /// <summary>Midway between the jaws: the middle of what closed jaws push with.</summary>
    public required Vec3 JawCenter { get; init; }
    public required Vec3 CubePosition { get; init; }
    public required double CubeYaw { get; init; }
    public required double CubeSize { get; init; }
    public required bool CubeHeld { get; init; }
    /// <summary>The cube rests on the table (not held, bottom on the surface).</summary>
    public required bool CubeOnTable { get; init; }
    /// <summary>The cube left the table (fell off or was pushed off): the episode has failed.</summary>
    public required bool CubeLost { get; init; }
    /// <summary>Joint angles in the robot stack's units: degrees, gripper 0..100.</summary>
    public required IReadOnlyDictionary<string, double> Joints { get; init; }
    public required bool ArmTouchesTable { get; init; }
    public required string Task { get; init; }
    public required bool Success { get; init; }
    /// <summary>LeRobot's sparse reward: 1 on success, else 0.</summary>
    public double Reward => Success ? 1 : 0;
}
