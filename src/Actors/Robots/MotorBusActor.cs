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
/// this actor, one at a time. Connecting opens the arm, checks the motors and re-applies the
/// calibration; every goal passes the safety step; a vanished port or a dead servo fails the actor, and
/// its supervisor reconnects with backoff. While idle it reads present positions every poll interval. Every reading
/// (and the joint limits of the calibration it applied) goes into the robot's <see cref="RobotReadings"/>, where the
/// control loop takes it without a message; the loop's goals arrive as <see cref="DriveGoals"/>.
/// </summary>
public sealed class MotorBusActor : DeviceActor
{
    private readonly ArmConfig _config;
    private readonly double? _maxStepPerTick;
    private readonly RobotReadings? _readings;
    private Arm? _arm;
    private SafetyStep? _safety;
    private LatestPositions? _latest;

    public static Props Props(string name, ArmConfig config, double? maxStepPerTick, IActorRef listener, DeviceSettings device, RobotReadings? readings = null) =>
        Akka.Actor.Props.Create(() => new MotorBusActor(name, config, maxStepPerTick, listener, device, readings)).WithDispatcher(Dispatcher);

    public MotorBusActor(string name, ArmConfig config, double? maxStepPerTick, IActorRef listener, DeviceSettings device, RobotReadings? readings = null)
        : base(name, config.Port, listener, device.PollInterval)
    {
        _config = config;
        _maxStepPerTick = maxStepPerTick;
        _readings = readings;
    }

    protected override void Open()
    {
        var arm = new Arm(_config);
        try
        {
            arm.Connect(calibrate: true); // no prompt: only a valid calibration file is applied, never an improvised one
            _safety = new SafetyStep(new SafetyLimits { Joints = arm.JointLimits(), MaxStepPerTick = _maxStepPerTick });
            _arm = arm;
            ReadPositions();
            _safety.Seed(_latest!.Positions);
            _readings?.JointLimits.Publish(_safety.Limits.Joints);
        }
        catch
        {
            arm.Dispose();
            _arm = null;
            throw;
        }
    }

    protected override void Poll()
    {
        try
        {
            ReadPositions();
        }
        catch (MotorErrorException ex)
        {
            // A servo's error bits (overload, overheat) are worth a warning, not a reconnect.
            Log.Warning("{0}: {1}", Name, ex.Message);
        }
    }

    protected override void Ready()
    {
        Receive<GetLatestPositions>(_ => Sender.Tell(_latest));
        Receive<ReadMotors>(m => Guarded(m.RobotId, () =>
            new MotorValues(m.RobotId, m.Register, _arm!.Bus.SyncRead(m.Register, normalize: m.Normalize, numRetry: _config.NumReadRetries))));
        Receive<WriteMotors>(m => Guarded(m.RobotId, () =>
        {
            var plan = RegisterWriteGuard.Plan(_arm!.Bus, m.Register, m.Value, m.Ids, _safety!.Limits.Joints);
            foreach (var w in plan) _arm.Bus.WriteRaw(w.Motor.Id, w.Register.Address, w.Register.Size, w.Encoded, numRetry: 2);
            Log.Info("{0}: console wrote {1}={2} to {3}", Name, m.Register, m.Value, string.Join(", ", plan.Select(w => w.Motor.Name)));
            return new MotorsWritten(m.RobotId, plan[0].Register.Name, plan.ToDictionary(w => w.Motor.Name, w => w.Value));
        }));
        Receive<SetTorque>(m => Guarded(m.RobotId, () =>
        {
            if (m.On) _arm!.Bus.EnableTorque(); else _arm!.Bus.DisableTorque();
            return new TorqueSet(m.RobotId, m.On);
        }));
        Receive<SendGoals>(m => Guarded(Name, () =>
        {
            var outcome = _safety!.Apply(m.Action);
            var sent = _arm!.SendAction(outcome.Action);
            return new GoalsSent(sent, outcome.NonFinite, outcome.LimitClamps, outcome.StepClamps);
        }));
        Receive<DriveGoals>(Drive);
        Receive<GetRobotStatus>(_ => Sender.Tell(Report(DeviceState.Ready, null)));
    }

    private void ReadPositions()
    {
        var positions = _arm!.Bus.SyncRead("Present_Position", numRetry: _config.NumReadRetries);
        _latest = new LatestPositions(positions.ToDictionary(kv => kv.Key + ".pos", kv => kv.Value), DateTimeOffset.UtcNow);
        _readings?.Positions.Publish(_latest.Positions);
    }

    /// <summary>
    /// A control tick's goals: through this actor's own safety step (the joint limits of the calibration it applied, the
    /// robot's max-step-per-tick) and the arm's max_relative_target, then one sync-write; the positions read right after
    /// are the loop's next observation. Nobody waits for an answer; an I/O failure fails the actor as any other.
    /// </summary>
    private void Drive(DriveGoals goals)
    {
        if (System.Diagnostics.Stopwatch.GetElapsedTime(goals.IssuedAt) > goals.MaxAge)
        {
            _readings?.CountDropped();
            return;
        }
        try
        {
            var outcome = _safety!.Apply(goals.Action);
            if (outcome.Action.Count > 0) _arm!.SendAction(outcome.Action);
            _readings?.CountWritten();
            ReadPositions();
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or MotorErrorException)
        {
            Log.Warning("{0}: the control loop's goals were not written: {1}", Name, ex.Message);
        }
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
            Sender.Tell(new RobotCommandFailed(robotId, $"{Name}: {ex.Message}"));
            throw;
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException or MotorErrorException)
        {
            Sender.Tell(new RobotCommandFailed(robotId, $"{Name}: {ex.Message}"));
        }
    }

    protected override void NotReady(object message)
    {
        if (message is SendGoals or GetLatestPositions) Sender.Tell(new RobotCommandFailed(Name, $"{Name} is still connecting to {Target}"));
        else base.NotReady(message);
    }

    protected override DeviceStatusReport Report(DeviceState state, string? detail)
    {
        var s = _arm?.IsConnected == true ? _arm.Bus.Statistics : null;
        return new DeviceStatusReport(Name, state, detail, 0, DateTimeOffset.UtcNow,
            s?.Transactions ?? 0, s?.Timeouts ?? 0, s?.CorruptPackets ?? 0, s?.Retries ?? 0, s?.Failures ?? 0);
    }

    /// <summary>Switches torque off when the port is still there; a pulled cable has nothing left to switch.</summary>
    protected override void Close()
    {
        _readings?.Positions.Clear();
        _arm?.Dispose();
        _arm = null;
    }
}
