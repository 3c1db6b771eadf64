using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Control;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;
using RobotActors.Actors.Transitions;
using RobotActors.Devices.Cameras;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Teleoperators;
using RobotActors.Devices.Workcell.Operators;

namespace RobotActors.Actors.Robots;

/// <summary>
/// One robot: supervises its device actors, tracks whether each is Ready, and answers for the robot.
/// Commands reach a device only while it is Ready; otherwise the asker is told the robot is
/// Disconnected and why. A device fault stays inside this robot: the node, the learner and other
/// robots never see it. It never waits inside a handler: a status collects the devices' counters in the
/// background and answers when they are in, so control messages are never stuck behind a slow device.
/// The robot's session journal and its control loop are children too; session and control messages go to them.
/// </summary>
public sealed class RobotSupervisor : ReceiveActor
{
    public const string MotorsDevice = "motors-main";
    public const string TeleopDevice = "teleop";

    public static string CameraDevice(string camera) => "camera-" + camera;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RobotSettings _robot;
    private readonly DeviceSettings _device;
    private readonly string _dataPath;
    private readonly Dictionary<string, DeviceStatusReport> _devices = new();
    private readonly List<SimulatedArm> _simulated = [];
    private readonly Dictionary<string, IActorRef> _children = new();
    private readonly SessionSettings _sessionSettings;
    private readonly TransitionSettings _transitions;
    private readonly RobotActorsSettings _settings;
    private readonly RobotReadings _readings = new();
    private IActorRef _session = ActorRefs.Nobody;
    private IActorRef _control = ActorRefs.Nobody;

    public static Props Props(RobotSettings robot, RobotActorsSettings settings) =>
        Akka.Actor.Props.Create(() => new RobotSupervisor(robot, settings));

    public RobotSupervisor(RobotSettings robot, RobotActorsSettings settings)
    {
        _robot = robot;
        _settings = settings;
        _device = settings.Device;
        _dataPath = settings.DataPath;
        _sessionSettings = settings.Session;
        _transitions = settings.Transitions;

        Receive<DeviceStatusChanged>(Update);
        Receive<GetRobotStatus>(CollectCounters);
        Receive<CountersCollected>(c =>
        {
            Merge(c.Live);
            c.Asker.Tell(Status());
        });
        Receive<ISessionMessage>(m => _session.Forward(m));
        Receive<IControlMessage>(m => _control.Forward(m));
        Receive<ReadMotors>(m => ToDevice(MotorsDevice, m));
        Receive<SetTorque>(m => ToDevice(MotorsDevice, m));
        Receive<WriteMotors>(m => ToDevice(MotorsDevice, m));
        Receive<SendGoals>(m => ToDevice(MotorsDevice, m));
        // The control loop's goals go to the bus only while it is Ready; otherwise they are dropped (the loop sees the
        // readings go stale and holds), never queued for a bus that is reconnecting.
        Receive<DriveGoals>(m =>
        {
            if (_devices.GetValueOrDefault(MotorsDevice)?.State == DeviceState.Ready) _children[MotorsDevice].Tell(m);
        });
        Receive<GetLatestPositions>(m => ToDevice(MotorsDevice, m));
        Receive<GetLatestTeleop>(m => ToDevice(TeleopDevice, m));
        Receive<GetLatestFrame>(m => ToDevice(CameraDevice(m.Camera), m));
    }

    protected override void PreStart()
    {
        _session = Context.ActorOf(SessionActor.Supervised(_robot.Id, _sessionSettings,
            TransitionFeeder.Props(SessionActor.PersistenceIdFor(_robot.Id), _transitions)), SessionActor.Name);
        // The control loop fails alone: restarted, it finds the session still running in the journal and goes on.
        _control = Context.ActorOf(ControlLoopActor.Props(_robot, _settings, _session, _readings), ControlLoopActor.Name);

        // Simulated arms keep their calibration with the node's data; real ones default to LeRobot's folder.
        var simulatedCalibration = _robot.CalibrationDir ?? Path.Combine(_dataPath, "calibration");
        var calibrationDir = _robot.IsSimulated ? simulatedCalibration : _robot.CalibrationDir;
        var port = _robot.IsSimulated ? Simulate(_robot.Id, _robot.Type, simulatedCalibration) : _robot.Port;
        var workcell = _robot.IsSimulated ? _simulated[^1].Workcell : null;
        var arm = new ArmConfig
        {
            Type = _robot.Type, Port = port, Id = _robot.Id, CalibrationDir = calibrationDir,
            MaxRelativeTarget = _robot.MaxRelativeTarget,
        };
        _children[MotorsDevice] = StartDevice(MotorsDevice, port, MotorBusActor.Props(MotorsDevice, arm, _robot.MaxStepPerTick, Self, _device, _readings));

        if (_robot.Teleop is { IsScripted: true } && workcell is not null)
        {
            _children[TeleopDevice] = StartDevice(TeleopDevice, "scripted operator",
                TeleopActor.Props(TeleopDevice, "scripted operator", () => new ScriptedOperator(workcell), Self, _device.PollInterval));
        }
        else if (_robot.Teleop is { } teleop)
        {
            var simulatedLeader = teleop.Port == RobotSettings.SimulatedPort;
            var teleopPort = simulatedLeader ? Simulate(teleop.Id, teleop.Type, simulatedCalibration) : teleop.Port;
            var leaderCalibration = simulatedLeader ? simulatedCalibration : _robot.CalibrationDir;
            _children[TeleopDevice] = StartDevice(TeleopDevice, teleopPort,
                TeleopActor.Props(TeleopDevice, teleopPort, () => OpenTeleoperator(teleop, teleopPort, leaderCalibration), Self, _device.PollInterval, _readings));
        }

        foreach (var camera in _robot.Cameras ?? [])
        {
            var name = CameraDevice(camera.Name);
            var target = workcell is null ? camera.Path : $"the workcell ({camera.Name})";
            _children[name] = StartDevice(name, target,
                CameraActor.Props(name, target, () => workcell is null ? OpenCamera(camera)
                    // A simulated robot's cameras are rendered from its workcell, whatever their type.
                    : workcell.Camera(camera.Name, camera.Width ?? 640, camera.Height ?? 480, camera.Fps), Self, _device.PollInterval, _device.CameraMaxAge,
                    _readings.Camera(camera.Name)));
        }
    }

    /// <summary>"folder" is the only camera type so far (V4L2 capture is not built yet).</summary>
    private static ICamera OpenCamera(CameraSettings camera) => new ImageFolderCamera(camera.Path, camera.Fps, camera.Loop, camera.Width, camera.Height);

    private string Simulate(string id, string type, string calibrationDir)
    {
        var sim = new SimulatedArm(id, type, _dataPath, calibrationDir);
        _simulated.Add(sim);
        return sim.PortPath;
    }

    private static ITeleoperator OpenTeleoperator(TeleopSettings teleop, string port, string? calibrationDir)
    {
        if (teleop.IsGamepad) return new GamepadTeleoperator(new JoystickDevice(port));
        var leader = new Arm(new ArmConfig { Type = teleop.Type, Port = port, Id = teleop.Id, CalibrationDir = calibrationDir });
        try
        {
            leader.Connect(calibrate: true); // as the follower: a valid calibration file or NotCalibrated
            return new LeaderArmTeleoperator(leader);
        }
        catch
        {
            leader.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Supervision of a device: a failed device actor is restarted after an exponential backoff with 20%
    /// jitter (so several robots that lost power together do not retry in lockstep), whatever it threw:
    /// every fault of a device is worth a reconnect attempt, and the backoff keeps retries cheap. The
    /// device actor logs each loss itself, once, so the strategy's own logging is off.
    /// </summary>
    private IActorRef StartDevice(string name, string target, Props device)
    {
        _devices[name] = new DeviceStatusReport(name, DeviceState.Connecting, $"opening {target}", 0, DateTimeOffset.UtcNow, 0, 0, 0, 0, 0);
        return Context.ActorOf(BackoffSupervisor.Props(
            Backoff.OnFailure(device, name, _device.MinBackoff, _device.MaxBackoff, randomFactor: 0.2, maxNrOfRetries: -1)
                .WithAutoReset(TimeSpan.FromSeconds(10))
                .WithSupervisorStrategy(new OneForOneStrategy(-1, -1, _ => Directive.Restart, loggingEnabled: false))), name + "-supervisor");
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

    private sealed record CountersCollected(IActorRef Asker, IReadOnlyList<DeviceStatusReport> Live);

    /// <summary>
    /// Ready devices are asked for their live counters, all at once and in the background; the answer goes out
    /// when they are in (a busy or lost device keeps its last known counters after 500 ms).
    /// </summary>
    private void CollectCounters(GetRobotStatus question)
    {
        var asker = Sender;
        var ready = _children.Where(c => _devices[c.Key].State == DeviceState.Ready).Select(c => c.Value).ToList();
        if (ready.Count == 0)
        {
            asker.Tell(Status());
            return;
        }
        AskAll(ready, question).PipeTo(Self, success: live => new CountersCollected(asker, live));
    }

    private static async Task<IReadOnlyList<DeviceStatusReport>> AskAll(IEnumerable<IActorRef> devices, GetRobotStatus question)
    {
        var answers = await Task.WhenAll(devices.Select(async device =>
        {
            try
            {
                return await device.Ask<DeviceStatusReport>(question, TimeSpan.FromMilliseconds(500));
            }
            catch (Exception ex) when (ex is AskTimeoutException or InvalidCastException)
            {
                return null; // busy, or it has just failed (and answered as such): its last known counters will do
            }
        }));
        return answers.OfType<DeviceStatusReport>().ToList();
    }

    /// <summary>Live counters replace the known ones of a device that is still Ready; its connection history stays.</summary>
    private void Merge(IEnumerable<DeviceStatusReport> live)
    {
        foreach (var report in live)
        {
            if (!_devices.TryGetValue(report.Name, out var known) || known.State != DeviceState.Ready) continue;
            _devices[report.Name] = report with { State = known.State, Reconnects = known.Reconnects, Since = known.Since, Detail = known.Detail };
        }
    }

    private RobotStatusReport Status()
    {
        var devices = _devices.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        var state = devices.All(d => d.State == DeviceState.Ready) ? DeviceState.Ready
            : devices.Any(d => d.State == DeviceState.NotCalibrated) ? DeviceState.NotCalibrated
            : devices.Any(d => d.State == DeviceState.Disconnected) ? DeviceState.Disconnected
            : DeviceState.Connecting;
        return new RobotStatusReport(_robot.Id, _robot.Type, _robot.Port, state, devices);
    }

    /// <summary>Forwards to a device only while it is Ready; otherwise tells the asker why not.</summary>
    private void ToDevice(string name, object message)
    {
        if (!_devices.TryGetValue(name, out var device))
        {
            Sender.Tell(new RobotCommandFailed(_robot.Id, $"robot {_robot.Id} has no device {name}; it has: {string.Join(", ", _devices.Keys)}"));
            return;
        }
        if (device.State != DeviceState.Ready)
        {
            Sender.Tell(new RobotCommandFailed(_robot.Id,
                $"robot {_robot.Id} is {Status().State}: {device.Name} {(device.State == DeviceState.NotCalibrated ? "is not calibrated" : device.State.ToString().ToLowerInvariant())}{(device.Detail is null ? "" : $" ({device.Detail})")}. Nothing was sent; try again when it is Ready."));
            return;
        }
        _children[name].Forward(message);
    }

    protected override void PostStop()
    {
        foreach (var sim in _simulated) sim.Dispose();
    }
}
