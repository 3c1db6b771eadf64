using RobotActors.Devices.Workcell.Physics;
using RobotActors.Devices.Workcell.Tasks;

namespace RobotActors.Devices.Workcell;

/// <summary>How a workcell is built: which arm, which task, the cube, the seed, the physics.</summary>
public sealed record WorkcellOptions
{
    /// <summary>Arm type: so101_follower (default) or so100_follower ("so101"/"so100" also accepted).</summary>
    public string Robot { get; init; } = "so101_follower";
    /// <summary>reach_cube, push_cube or pick_lift_cube, with the task's default spawn box and zone.</summary>
    public string Task { get; init; } = WorkcellTask.PickLiftCube;
    /// <summary>Overrides the task defaults (spawn box, zone, thresholds) when set.</summary>
    public WorkcellTask? TaskSettings { get; init; }
    /// <summary>Seed of the first episode's cube placement; episode k uses Seed + k unless Reset is given one.</summary>
    public int Seed { get; init; }
    /// <summary>A URDF to use instead of the shipped model of <see cref="Robot"/>.</summary>
    public string? UrdfPath { get; init; }
    public double CubeSize { get; init; } = 0.025;
    public double CubeMass { get; init; } = 0.03;
    /// <summary>
    /// Joint positions an episode starts from, in the stack's units (degrees, gripper 0..100), in motor
    /// order; null = <see cref="Workcell.DefaultResetJoints"/>: the gripper 7 cm above the table, pointing down, open.
    /// </summary>
    public IReadOnlyList<double>? ResetJoints { get; init; }
    public PhysicsSettings Physics { get; init; } = new();
    /// <summary>Also expose the servo bus at this stable path (a symlink to the pseudo-terminal).</summary>
    public string? LinkPath { get; init; }

    public WorkcellTask ResolveTask() => TaskSettings ?? WorkcellTask.Named(Task);
}
