using System.Diagnostics;
using Akka.Actor;
using RobotActors.Actors.Robots;
using RobotActors.Devices.Cameras;
using RobotActors.Devices.Robots;
using RobotActors.Rl.Env.Io;

namespace RobotActors.Actors.Control;

/// <summary>
/// A robot's arm and cameras as the control pipeline sees them, backed by the robot's device actors: a read takes the
/// latest positions the bus actor published and each camera's newest frame, without a message and without waiting; a
/// write tells the goals to the robot's supervisor, which hands them to the bus actor while it is Ready (its safety
/// step and sync-write, as for any goal). A reading older than <paramref name="maxAge"/> (the bus unplugged, the
/// actor reconnecting) is a <see cref="StaleReadingException"/>, and while the positions are stale no goal is sent:
/// the servos keep their last safe goal rather than receive one computed from old data.
/// </summary>
/// <param name="cameras">Camera name → its configured (height, width), each published by a camera actor of the robot.</param>
public sealed class DeviceActorsRobotIo(string robotId, ArmSpec spec, RobotReadings readings, IActorRef supervisor,
    IReadOnlyDictionary<string, (int Height, int Width)> cameras, TimeSpan maxAge, TimeSpan goalMaxAge) : IRobotIo
{
    private long _goalsHeld;

    public IReadOnlyList<string> MotorNames { get; } = spec.Motors.Select(m => m.Name).ToList();
    public IReadOnlyDictionary<string, (int Height, int Width)> Cameras { get; } = cameras;

    /// <summary>Goal sets this side did not send because the positions were stale.</summary>
    public long GoalsHeld => Interlocked.Read(ref _goalsHeld);

    public IReadOnlyDictionary<string, (double Min, double Max)> JointLimits =>
        readings.JointLimits.Peek() ?? throw new StaleReadingException($"robot {robotId}'s bus has not connected yet: its joint limits are unknown");

    /// <summary>True when the bus has published its limits and a position younger than the maximum age (the env can be built).</summary>
    public bool Fresh => readings.JointLimits.Peek() is not null && readings.Positions.TryRead(maxAge, out _) is not null
                         && Cameras.Keys.All(c => readings.Camera(c).Peek() is not null);

    public RobotReading Read(bool withCurrents)
    {
        if (withCurrents)
            throw new InvalidOperationException("motor currents are not published by the bus actor; set env.processor.observation.add_current_to_observation to false");
        var joints = readings.Positions.TryRead(maxAge, out var age)
            ?? throw new StaleReadingException(age is null
                ? $"robot {robotId}'s bus has no present positions (disconnected or reconnecting)"
                : $"robot {robotId}'s latest present positions are {age.Value.TotalMilliseconds:F0} ms old (max {maxAge.TotalMilliseconds:F0} ms)");
        var frames = new Dictionary<string, Frame>(Cameras.Count);
        foreach (var name in Cameras.Keys)
        {
            var camera = readings.Camera(name).Peek() ?? throw new StaleReadingException($"robot {robotId}'s camera {name} is not open (disconnected or reconnecting)");
            try
            {
                frames[name] = camera.ReadLatest(maxAge);
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                throw new StaleReadingException($"robot {robotId}'s camera {name}: {e.Message}");
            }
        }
        return new RobotReading { Joints = joints, Frames = frames };
    }

    public void WriteGoals(IReadOnlyDictionary<string, double> goals)
    {
        if (readings.Positions.TryRead(maxAge, out _) is null)
        {
            Interlocked.Increment(ref _goalsHeld);
            return;
        }
        supervisor.Tell(new DriveGoals(new Dictionary<string, double>(goals), Stopwatch.GetTimestamp(), goalMaxAge), ActorRefs.NoSender);
    }
}
