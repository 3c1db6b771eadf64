using Akka.Actor;
using Akka.Event;
using RobotActors.Actors.Protocol;
using RobotActors.Devices.Robots;

namespace RobotActors.Actors.Robots;

/// <summary>
/// What every device actor (motor bus, teleoperator, camera) shares: Connecting → Ready, a periodic
/// poll that keeps the latest reading and notices a lost device, status reports to the robot's
/// supervisor, and failure by exception so the supervisor's backoff reconnects it.
/// </summary>
public abstract class DeviceActor : ReceiveActor, IWithTimers
{
    /// <summary>Device I/O blocks; each device actor gets its own thread so it never starves other actors.</summary>
    public const string Dispatcher = "robotactors-device-dispatcher";

    protected readonly ILoggingAdapter Log = Context.GetLogger();
    private readonly IActorRef _listener;
    private readonly TimeSpan _pollInterval;
    private Exception? _failure;
    private (string Path, DateTime? Seen)? _waitingForCalibration;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The device's name within its robot, e.g. motors-main or teleop-gamepad.</summary>
    protected string Name { get; }

    /// <summary>What is being opened (a port path, a device node), for messages.</summary>
    protected string Target { get; }

    protected DeviceActor(string name, string target, IActorRef listener, TimeSpan pollInterval)
    {
        Name = name;
        Target = target;
        _listener = listener;
        _pollInterval = pollInterval;

        Receive<OpenDevice>(_ =>
        {
            try
            {
                Open();
            }
            catch (NotCalibratedException ex)
            {
                WaitForCalibration(ex);
                return;
            }
            Log.Info("{0}: ready on {1}", Name, Target);
            Become(() =>
            {
                Receive<PollDevice>(_ => Poll());
                Ready();
            });
            Timers.StartPeriodicTimer("poll", PollDevice.Instance, _pollInterval);
            _listener.Tell(new DeviceStatusChanged(Name, DeviceState.Ready, null, Report(DeviceState.Ready, null)));
        });
        Receive<CheckCalibrationFile>(_ => CheckCalibration());
        ReceiveAny(NotReady);
    }

    private sealed class OpenDevice { public static readonly OpenDevice Instance = new(); }
    private sealed class PollDevice { public static readonly PollDevice Instance = new(); }
    private sealed class CheckCalibrationFile { public static readonly CheckCalibrationFile Instance = new(); }

    /// <summary>How often a device waiting for calibration looks at its calibration file (the file only, never the hardware).</summary>
    public static readonly TimeSpan CalibrationFileCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Nobody at a node can hold an arm at mid-range, so an uncalibrated device is not retried (no backoff loop,
    /// nothing sent to the hardware): it reports NotCalibrated with the command that fixes it, then only watches
    /// the calibration file and opens again once the file is written or changed.
    /// </summary>
    private void WaitForCalibration(NotCalibratedException ex)
    {
        var seen = Stamp(ex.CalibrationPath);
        Log.Warning("{0}: not calibrated: {1}", Name, ex.Message);
        _listener.Tell(new DeviceStatusChanged(Name, DeviceState.NotCalibrated, ex.Message, Report(DeviceState.NotCalibrated, ex.Message)));
        _waitingForCalibration = (ex.CalibrationPath, seen);
        Timers.StartPeriodicTimer("calibration-file", CheckCalibrationFile.Instance, CalibrationFileCheckInterval);
    }

    private void CheckCalibration()
    {
        if (_waitingForCalibration is not { } waiting || Stamp(waiting.Path) == waiting.Seen) return;
        _waitingForCalibration = null;
        Timers.Cancel("calibration-file");
        Log.Info("{0}: {1} changed; connecting again", Name, waiting.Path);
        _listener.Tell(new DeviceStatusChanged(Name, DeviceState.Connecting, $"opening {Target}"));
        Self.Tell(OpenDevice.Instance);
    }

    private static DateTime? Stamp(string path) => File.Exists(path) ? File.GetLastWriteTimeUtc(path) : null;

    /// <summary>Opens the device; throws when it cannot (the supervisor retries with backoff).</summary>
    protected abstract void Open();

    /// <summary>One periodic read; throws when the device is lost.</summary>
    protected abstract void Poll();

    /// <summary>The handlers of the Ready state.</summary>
    protected abstract void Ready();

    /// <summary>Releases the device; must not throw when it is already gone.</summary>
    protected abstract void Close();

    protected virtual DeviceStatusReport Report(DeviceState state, string? detail) =>
        new(Name, state, detail, 0, DateTimeOffset.UtcNow, 0, 0, 0, 0, 0);

    /// <summary>Answers a request that arrives before the device is open.</summary>
    protected virtual void NotReady(object message)
    {
        if (message is IRobotMessage r) Sender.Tell(new RobotCommandFailed(r.RobotId, $"{Name} is still connecting to {Target}"));
    }

    protected override void PreStart()
    {
        _listener.Tell(new DeviceStatusChanged(Name, DeviceState.Connecting, $"opening {Target}"));
        // Open in a message, not here: a failure in PreStart would stop the actor for good, while a
        // failure while handling a message is retried by the backoff supervisor.
        Self.Tell(OpenDevice.Instance);
    }

    /// <summary>Remembers why a handler failed: the backoff supervisor replaces a failed actor, so PostStop must tell.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception ex)
        {
            _failure = ex;
            throw;
        }
    }

    protected override void PostStop()
    {
        if (_failure is not null)
        {
            Log.Warning("{0}: lost {1}: {2}", Name, Target, _failure.Message);
            _listener.Tell(new DeviceStatusChanged(Name, DeviceState.Disconnected, _failure.Message, Report(DeviceState.Disconnected, _failure.Message)));
        }
        Close();
    }
}
