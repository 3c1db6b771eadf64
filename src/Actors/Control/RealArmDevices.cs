using Akka.Actor;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Robots;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Teleoperators;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;

namespace RobotActors.Actors.Control;

/// <summary>
/// A real arm's session, before its env opens: waits (on the control thread, before the first tick) until the robot's
/// bus has published its joint limits and a fresh position and each camera the config names is open, then gives the
/// <see cref="DeviceActorsRobotIo"/> the env runs on. How old a reading may be follows from how often the devices
/// publish: three poll intervals or three control periods, whichever is longer.
/// </summary>
internal sealed class RealArmDevices(RobotSettings robot, RobotReadings readings, IActorRef supervisor, HilSerlRobotEnvConfig env, TimeSpan pollInterval)
{
    private static readonly TimeSpan WarnAfter = TimeSpan.FromSeconds(5);

    public TimeSpan MaxReadingAge { get; } = Max(3 * pollInterval, TimeSpan.FromSeconds(3.0 / env.Fps));

    /// <summary>A tick's goals that wait longer than this in the bus actor's mailbox are dropped, not written late.</summary>
    public TimeSpan MaxGoalAge { get; } = Max(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2.0 / env.Fps));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The robot's teleoperator for the action processor once <see cref="WaitForDevices"/> returned; an idle one when the robot has none (the console's buttons still work).</summary>
    public ITeleoperator Teleoperator { get; private set; } = new IdleTeleoperator();

    /// <exception cref="OperationCanceledException">The session was stopped before the devices were ready.</exception>
    public DeviceActorsRobotIo WaitForDevices(CancellationToken stop, Action<string> warn)
    {
        var io = WaitForBusAndCameras(stop, warn);
        if (robot.Teleop is null) return io;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        TeleopReading? first;
        while ((first = readings.Teleop.TryRead(MaxReadingAge, out _)) is null)
        {
            stop.ThrowIfCancellationRequested();
            if (waited.Elapsed > WarnAfter)
            {
                warn($"the session waits for robot {robot.Id}'s teleoperator ({robot.Teleop.Type} on {robot.Teleop.Port}) to be Ready; see `robots status`");
                waited.Restart();
            }
            stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50));
        }
        Teleoperator = new DeviceActorsTeleoperator(readings, first, MaxReadingAge);
        return io;
    }

    private DeviceActorsRobotIo WaitForBusAndCameras(CancellationToken stop, Action<string> warn)
    {
        var cameras = env.Robot?.Cameras.Keys.ToList() ?? [];
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var warned = false;
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            var open = cameras.Select(c => (Name: c, Camera: readings.Camera(c).Peek())).ToList();
            if (readings.JointLimits.Peek() is not null && readings.Positions.TryRead(MaxReadingAge, out _) is not null && open.All(c => c.Camera is not null))
            {
                var sizes = open.ToDictionary(c => c.Name, c => (c.Camera!.Height, c.Camera.Width));
                return new DeviceActorsRobotIo(robot.Id, ArmSpec.For(robot.Type), readings, supervisor, sizes, MaxReadingAge, MaxGoalAge);
            }
            if (!warned && waited.Elapsed > WarnAfter)
            {
                warned = true;
                warn($"the session waits for robot {robot.Id}'s devices to be Ready (bus on {robot.Port}{(cameras.Count == 0 ? "" : ", cameras " + string.Join(", ", cameras))}); see `robots status`");
            }
            stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50));
        }
    }
}
