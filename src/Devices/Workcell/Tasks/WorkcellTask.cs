using RobotActors.Devices.Workcell.Geometry;

namespace RobotActors.Devices.Workcell.Tasks;

/// <summary>
/// A workcell task with ground-truth success and LeRobot's sparse reward (1 on success, else 0):
/// reach_cube (the gripper frame within <see cref="ReachDistance"/> of the cube's centre), push_cube
/// (the cube's centre inside the marked zone, resting on the table, not held) and pick_lift_cube (the
/// cube held with its bottom at least <see cref="LiftHeight"/> above the table). The cube starts at a
/// seeded random place inside the spawn box with a random yaw.
/// </summary>
public sealed record WorkcellTask
{
    public const string ReachCube = "reach_cube";
    public const string PushCube = "push_cube";
    public const string PickLiftCube = "pick_lift_cube";
    public static readonly IReadOnlyList<string> Names = [ReachCube, PushCube, PickLiftCube];

    public required string Name { get; init; }
    /// <summary>Cube spawn box, (x, y) of its centre in the base frame (m).</summary>
    public required double[] SpawnMin { get; init; }
    public required double[] SpawnMax { get; init; }
    /// <summary>Cube yaw drawn from ±this (rad).</summary>
    public double SpawnYaw { get; init; } = 0.4;
    public double ReachDistance { get; init; } = 0.025;
    public double LiftHeight { get; init; } = 0.05;
    /// <summary>The marked zone of push_cube: centre (x, y) and side length (m); drawn on the table for every task that has one.</summary>
    public double[]? ZoneCenter { get; init; }
    public double ZoneSize { get; init; } = 0.08;
    /// <summary>The task's episode length (LeRobot's control_time_s) when a config sets none.</summary>
    public double EpisodeSeconds { get; init; } = 20;

    /// <summary>The task's defaults: where the cube starts, and push_cube's zone.</summary>
    public static WorkcellTask Named(string name) => name switch
    {
        ReachCube => new WorkcellTask { Name = name, SpawnMin = [0.16, -0.08], SpawnMax = [0.26, 0.08], EpisodeSeconds = 5 },
        PickLiftCube => new WorkcellTask { Name = name, SpawnMin = [0.16, -0.08], SpawnMax = [0.26, 0.08] },
        PushCube => new WorkcellTask { Name = name, SpawnMin = [0.18, 0.02], SpawnMax = [0.26, 0.10], ZoneCenter = [0.22, -0.09], EpisodeSeconds = 30 },
        _ => throw new ArgumentException($"Unknown workcell task '{name}'. Tasks: {string.Join(", ", Names)}."),
    };

    public bool InZone(Vec3 p) => ZoneCenter is { } z && Math.Abs(p.X - z[0]) <= ZoneSize / 2 && Math.Abs(p.Y - z[1]) <= ZoneSize / 2;

    public bool IsSuccess(Vec3 endEffector, Vec3 cube, double cubeHalf, bool held, bool restingOnTable) => Name switch
    {
        ReachCube => (endEffector - cube).Length <= ReachDistance,
        PushCube => InZone(cube) && restingOnTable && !held,
        _ => held && cube.Z - cubeHalf >= LiftHeight,
    };
}
