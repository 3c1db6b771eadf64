using System.Collections.Concurrent;
using RobotActors.Devices.Cameras;
using RobotActors.Rl.Env.Io;

namespace RobotActors.Actors.Robots;

/// <summary>
/// What one robot's device actors publish for its control loop, which reads it on its own thread without waiting and
/// without a message: the bus's latest present positions (after every poll and every goal it wrote) and its joint
/// limits, and each open camera (whose own grab loop keeps its newest frame). It lives as long as the robot's
/// supervisor, so a device actor restarted after a fault publishes into the same place; a device that is lost clears
/// its entry, so nothing it read before looks current.
/// </summary>
public sealed class RobotReadings
{
    public LatestValue<IReadOnlyDictionary<string, double>> Positions { get; } = new();

    /// <summary>"shoulder_pan.pos" → (min, max) of the calibration the bus applied.</summary>
    public LatestValue<IReadOnlyDictionary<string, (double Min, double Max)>> JointLimits { get; } = new();

    private readonly ConcurrentDictionary<string, LatestValue<ICamera>> _cameras = new();

    /// <summary>The camera slot of <paramref name="name"/> (the camera's own name, e.g. "front").</summary>
    public LatestValue<ICamera> Camera(string name) => _cameras.GetOrAdd(name, _ => new LatestValue<ICamera>());

    private long _goalsWritten, _goalsDropped;

    /// <summary>Goal sets the bus actor wrote to the servos, and those it dropped as too old to act on.</summary>
    public long GoalsWritten => Interlocked.Read(ref _goalsWritten);
    public long GoalsDropped => Interlocked.Read(ref _goalsDropped);
    internal void CountWritten() => Interlocked.Increment(ref _goalsWritten);
    internal void CountDropped() => Interlocked.Increment(ref _goalsDropped);
}
