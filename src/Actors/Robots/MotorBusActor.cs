using Akka.Actor;
using Akka.Event;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Protocol;
using RobotActors.Devices;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Safety;

namespace RobotActors.Actors.Robots;

/// <summary>
/// The sole owner of one motor bus (one serial port): every read and write of that port goes through
/// this actor, one at a time. Connecting → Ready; a vanished port or a dead servo makes it fail, and its
/// supervisor restarts it with backoff, which reconnects and re-applies the calibration.
/// While Ready and idle it reads present positions every poll interval, which keeps the latest reading
/// fresh and notices a pulled cable within that interval.
/// </summary>
public sealed class MotorBusActor : ReceiveActor, IWithTimers
{
    /// <summary>Serial I/O blocks; each bus gets its own thread so it never starves other actors.</summary>
    public const string Dispatcher = "robotactors-device-dispatcher";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _name;
    private readonly ArmConfig _config;
    private readonly double? _maxStepPerTick;
    private readonly IActorRef _listener;
    private readonly DeviceSettings _device;
    private Arm? _arm;
    private SafetyStep? _safety;
    private LatestPositions? _latest;
    private Exception? _failure;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string name, ArmConfig config, double? maxStepPerTick, IActorRef listener, DeviceSettings device) =>
        Akka.Actor.Props.Create(() => new MotorBusActor(name, config, maxStepPerTick, listener, device)).WithDispatcher(Dispatcher);

    public MotorBusActor(string name, ArmConfig config, double? maxStepPerTick, IActorRef listener, DeviceSettings device)
    {
        _name = name;
        _config = config;
        _maxStepPerTick = maxStepPerTick;
        _listener = listener;
        _device = device;
        Connecting();
    }

    private sealed class Connect { public static readonly Connect Instance = new(); }
    private sealed class Poll { public static readonly Poll Instance = new(); }

    protected override void PreStart()
    {
        _listener.Tell(new DeviceStatusChanged(_name, DeviceState.Connecting, $"opening {_config.Port}"));
        // Connect in a message, not here: a failure in PreStart would stop the actor for good,
        // while a failure while handling a message is restarted by the backoff supervisor.
        Self.Tell(Connect.Instance);
    }

    private void Connecting()
    {
        Receive<Connect>(_ =>
        {
            var arm = new Arm(_config);
            arm.Connect(calibrate: true, prompt: new ScriptedCalibrationPrompt(useExisting: true));
            _arm = arm;
            _safety = new SafetyStep(new SafetyLimits { Joints = arm.JointLimits(), MaxStepPerTick = _maxStepPerTick });
            ReadPositions();
            _safety.Seed(_latest!.Positions);
            _log.Info("{0}: {1} ready on {2}", _name, _config.Type, _config.Port);
            Become(Ready);
            Timers.StartPeriodicTimer("poll", Poll.Instance, _device.PollInterval);
            _listener.Tell(new DeviceStatusChanged(_name, DeviceState.Ready, null, Report(DeviceState.Ready, null)));
        });
        ReceiveAny(message => ReplyFailed(message, $"{_name} is still connecting to {_config.Port}"));
    }

    private void Ready()
    {
        Receive<Poll>(_ =>
        {
            try
            {
                ReadPositions();
            }
            catch (MotorErrorException ex)
            {
                // A servo's error bits (overload, overheat) are worth a warning, not a reconnect.
                _log.Warning("{0}: {1}", _name, ex.Message);
            }
        });
        Receive<GetLatestPositions>(_ => Sender.Tell(_latest));
        Receive<ReadMotors>(m => Guarded(m.RobotId, () =>
            new MotorValues(m.RobotId, m.Register, _arm!.Bus.SyncRead(m.Register, normalize: m.Normalize, numRetry: _config.NumReadRetries))));
        Receive<SetTorque>(m => Guarded(m.RobotId, () =>
        {
            if (m.On) _arm!.Bus.EnableTorque(); else _arm!.Bus.DisableTorque();
            return new TorqueSet(m.RobotId, m.On);
        }));
        Receive<SendGoals>(m => Guarded(_name, () =>
        {
            var outcome = _safety!.Apply(m.Action);
            var sent = _arm!.SendAction(outcome.Action);
            return new GoalsSent(sent, outcome.NonFinite, outcome.LimitClamps, outcome.StepClamps);
        }));
        Receive<GetRobotStatus>(_ => Sender.Tell(Report(DeviceState.Ready, null)));
    }

    private void ReadPositions()
    {
        var positions = _arm!.Bus.SyncRead("Present_Position", numRetry: _config.NumReadRetries);
        _latest = new LatestPositions(positions.ToDictionary(kv => kv.Key + ".pos", kv => kv.Value), DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Runs one bus operation for the sender. A user's mistake (unknown register, a servo's error bits)
    /// is answered and the bus stays up; an I/O failure is answered and then fails the actor, so the
    /// supervisor reconnects.
    /// </summary>
    private void Guarded(string robotId, Func<object> operation)
    {
        try
        {
            Sender.Tell(operation());
        }
        catch (IOException ex)
        {
            Sender.Tell(new RobotCommandFailed(robotId, $"{_name}: {ex.Message}"));
            throw;
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException or MotorErrorException)
        {
            Sender.Tell(new RobotCommandFailed(robotId, $"{_name}: {ex.Message}"));
        }
    }

    private void ReplyFailed(object message, string reason)
    {
        var robot = message is IRobotMessage r ? r.RobotId : _name;
        if (message is IRobotMessage or SendGoals or GetLatestPositions)
            Sender.Tell(new RobotCommandFailed(robot, reason));
    }

    private DeviceStatusReport Report(DeviceState state, string? detail)
    {
        var s = _arm?.IsConnected == true ? _arm.Bus.Statistics : null;
        return new DeviceStatusReport(_name, state, detail, 0, DateTimeOffset.UtcNow,
            s?.Transactions ?? 0, s?.Timeouts ?? 0, s?.CorruptPackets ?? 0, s?.Retries ?? 0, s?.Failures ?? 0);
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
            _log.Warning("{0}: lost {1}: {2}", _name, _config.Port, _failure.Message);
            _listener.Tell(new DeviceStatusChanged(_name, DeviceState.Disconnected, _failure.Message, Report(DeviceState.Disconnected, _failure.Message)));
        }
        // Switches torque off when the port is still there; a pulled cable has nothing left to switch.
        _arm?.Dispose();
        _arm = null;
    }
}
