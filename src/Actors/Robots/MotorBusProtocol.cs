using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Robots;

// Messages between a robot's actors on one node (never on the wire).

/// <summary>A device tells its robot supervisor how it is.</summary>
internal sealed record DeviceStatusChanged(string Device, DeviceState State, string? Detail, DeviceStatusReport? Report = null);

/// <summary>Goal positions for the arm ({"shoulder_pan.pos": value, ...}); they pass the safety step first.</summary>
public sealed record SendGoals(IReadOnlyDictionary<string, double> Action);

/// <summary>What reached the bus, and what the safety step changed on the way.</summary>
public sealed record GoalsSent(IReadOnlyDictionary<string, double> Sent, int NonFinite, int LimitClamps, int StepClamps);

/// <summary>The latest present positions the bus read, and when.</summary>
public sealed class GetLatestPositions
{
    public static readonly GetLatestPositions Instance = new();
    private GetLatestPositions() { }
}

public sealed record LatestPositions(IReadOnlyDictionary<string, double> Positions, DateTimeOffset ReadAt);

/// <summary>
/// The control loop's goals of one tick ({"shoulder_pan.pos": value, ...}), told, never asked: the bus actor passes
/// them through its safety step and sync-writes them, then reads the positions back into the robot's
/// <see cref="RobotReadings"/>. Goals that waited longer than <paramref name="MaxAge"/> in a mailbox are dropped, not
/// written late (the loop has newer ones by then). <paramref name="IssuedAt"/> is a <see cref="System.Diagnostics.Stopwatch"/> timestamp.
/// </summary>
public sealed record DriveGoals(IReadOnlyDictionary<string, double> Action, long IssuedAt, TimeSpan MaxAge);
