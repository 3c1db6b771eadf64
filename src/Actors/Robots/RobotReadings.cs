using System.Collections.Concurrent;
using RobotActors.Devices.Cameras;
using RobotActors.Devices.Teleoperators;
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

    /// <summary>The teleoperator's latest action and held events (is_intervention), after every poll.</summary>
    public LatestValue<TeleopReading> Teleop { get; } = new();

    private int _presses; // bit (1 << TeleopEvent) per one-shot press not yet taken

    /// <summary>A one-shot press (success, failure, re-record, terminate) the control loop takes once, however many polls it spans.</summary>
    public void Press(TeleopEvent e)
    {
        int seen, next;
        do
        {
            seen = Volatile.Read(ref _presses);
            next = seen | (1 << (int)e);
        } while (Interlocked.CompareExchange(ref _presses, next, seen) != seen);
    }

    /// <summary>The presses since the last call, each reported once.</summary>
    public IReadOnlyList<TeleopEvent> TakePresses()
    {
        var bits = Interlocked.Exchange(ref _presses, 0);
        return bits == 0 ? [] : Enum.GetValues<TeleopEvent>().Where(e => (bits & (1 << (int)e)) != 0).ToList();
    }

    private long _goalsWritten, _goalsDropped;

    /// <summary>Goal sets the bus actor wrote to the servos, and those it dropped as too old to act on.</summary>
    public long GoalsWritten => Interlocked.Read(ref _goalsWritten);
    public long GoalsDropped => Interlocked.Read(ref _goalsDropped);
    internal void CountWritten() => Interlocked.Increment(ref _goalsWritten);
    internal void CountDropped() => Interlocked.Increment(ref _goalsDropped);
}

/// <summary>One poll of a teleoperator: its action features, its action, and the events it holds (is_intervention).</summary>
public sealed record TeleopReading(IReadOnlyList<string> Features, IReadOnlyDictionary<string, double> Action, IReadOnlyDictionary<TeleopEvent, bool> Held);
