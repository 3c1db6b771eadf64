using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Protocol;
using RobotActors.Devices.Robots;

namespace RobotActors.Actors.Robots;

/// <summary>
/// One robot: supervises its device actors, tracks whether each is Ready, and answers for the robot.
/// Commands reach a device only while it is Ready; otherwise the asker is told the robot is
/// Disconnected and why. A device fault stays inside this robot: the node, the learner and other
/// robots never see it.
/// </summary>
public sealed class RobotSupervisor : ReceiveActor
{
    public const string MotorsDevice = "motors-main";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RobotSettings _robot;
    private readonly DeviceSettings _device;
    private readonly string _dataPath;
    private readonly Dictionary<string, DeviceStatusReport> _devices = new();
    private SimulatedArm? _simulated;
    private IActorRef _motors = ActorRefs.Nobody;

    public static Props Props(RobotSettings robot, DeviceSettings device, string dataPath) =>
        Akka.Actor.Props.Create(() => new RobotSupervisor(robot, device, dataPath));

    public RobotSupervisor(RobotSettings robot, DeviceSettings device, string dataPath)
    {
        _robot = robot;
        _device = device;
        _dataPath = dataPath;

        Receive<DeviceStatusChanged>(Update);
        ReceiveAsync<GetRobotStatus>(async m =>
        {
            var sender = Sender;
            await RefreshCounters(m);
            sender.Tell(Status());
        });
        Receive<ReadMotors>(m => ToMotors(m));
        Receive<SetTorque>(m => ToMotors(m));
        Receive<SendGoals>(m => ToMotors(m));
        Receive<GetLatestPositions>(m => ToMotors(m));
    }

    protected override void PreStart()
    {
        var calibrationDir = _robot.CalibrationDir ?? (_robot.IsSimulated ? Path.Combine(_dataPath, "calibration") : null);
        string port = _robot.Port;
        if (_robot.IsSimulated)
        {
            _simulated = new SimulatedArm(_robot.Id, _robot.Type, _dataPath, calibrationDir!);
            port = _simulated.PortPath;
        }

        var arm = new ArmConfig
        {
            Type = _robot.Type, Port = port, Id = _robot.Id, CalibrationDir = calibrationDir,
            MaxRelativeTarget = _robot.MaxRelativeTarget,
        };
        _devices[MotorsDevice] = new DeviceStatusReport(MotorsDevice, DeviceState.Connecting, $"opening {port}", 0, DateTimeOffset.UtcNow, 0, 0, 0, 0, 0);

        // Supervision: a failed bus actor is restarted after an exponential backoff with 20% jitter
        // (so several robots that lost power together do not retry in lockstep), whatever it threw:
        // every fault of a device is worth a reconnect attempt, and the backoff keeps retries cheap.
        // The bus actor logs each loss itself, once, without a stack trace.
        var bus = MotorBusActor.Props(MotorsDevice, arm, _robot.MaxStepPerTick, Self, _device);
        _motors = Context.ActorOf(BackoffSupervisor.Props(
            Backoff.OnFailure(bus, MotorsDevice, _device.MinBackoff, _device.MaxBackoff, randomFactor: 0.2, maxNrOfRetries: -1)
                .WithAutoReset(TimeSpan.FromSeconds(10))
                .WithSupervisorStrategy(new OneForOneStrategy(-1, -1, _ => Directive.Restart, loggingEnabled: false))), MotorsDevice + "-supervisor");
    }

    private void Update(DeviceStatusChanged change)
    {
        var previous = _devices.GetValueOrDefault(change.Device);
        var wasLost = previous is { State: DeviceState.Disconnected } || previous?.Reconnects > 0;
        // Once a device has been lost, "connecting" again is still "disconnected" to anyone asking.
        var state = change.State == DeviceState.Connecting && wasLost ? DeviceState.Disconnected : change.State;
        var reconnects = (previous?.Reconnects ?? 0) + (change.State == DeviceState.Disconnected ? 1 : 0);
        var detail = state == DeviceState.Disconnected && change.State == DeviceState.Connecting
            ? $"reconnecting (last error: {previous?.Detail})" : change.Detail;
        var counters = change.Report ?? previous;
        _devices[change.Device] = new DeviceStatusReport(change.Device, state, detail, reconnects,
            previous?.State == state ? previous.Since : DateTimeOffset.UtcNow,
            counters?.Transactions ?? 0, counters?.Timeouts ?? 0, counters?.CorruptPackets ?? 0, counters?.Retries ?? 0, counters?.Failures ?? 0);

        if (previous?.State != state)
            _log.Info("robot {0}: {1} is {2}{3}", _robot.Id, change.Device, state, detail is null ? "" : $" ({detail})");
    }

    /// <summary>A Ready bus is asked for its live counters; a busy or lost one keeps the last known.</summary>
    private async Task RefreshCounters(GetRobotStatus question)
    {
        if (_devices[MotorsDevice].State != DeviceState.Ready) return;
        try
        {
            var live = await _motors.Ask<DeviceStatusReport>(question, TimeSpan.FromMilliseconds(500));
            var known = _devices[MotorsDevice];
            _devices[MotorsDevice] = live with { Reconnects = known.Reconnects, Since = known.Since, Detail = known.Detail };
        }
        catch (Exception ex) when (ex is AskTimeoutException or InvalidCastException)
        {
            // The bus is busy or has just failed (and answered as such); its last known counters will do.
        }
    }

    private RobotStatusReport Status()
    {
        var devices = _devices.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        var state = devices.All(d => d.State == DeviceState.Ready) ? DeviceState.Ready
            : devices.Any(d => d.State == DeviceState.Disconnected) ? DeviceState.Disconnected
            : DeviceState.Connecting;
        return new RobotStatusReport(_robot.Id, _robot.Type, _robot.Port, state, devices);
    }

    private void ToMotors(object message)
    {
        var motors = _devices[MotorsDevice];
        if (motors.State != DeviceState.Ready)
        {
            Sender.Tell(new RobotCommandFailed(_robot.Id,
                $"robot {_robot.Id} is {Status().State}: {motors.Name} {motors.State.ToString().ToLowerInvariant()}{(motors.Detail is null ? "" : $" ({motors.Detail})")}. Nothing was sent; try again when it is Ready."));
            return;
        }
        _motors.Forward(message);
    }

    protected override void PostStop() => _simulated?.Dispose();
}
