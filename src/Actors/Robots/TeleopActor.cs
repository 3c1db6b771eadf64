using Akka.Actor;
using RobotActors.Actors.Protocol;
using RobotActors.Devices.Teleoperators;

namespace RobotActors.Actors.Robots;

/// <summary>The latest teleoperator action and events, and when they were read.</summary>
/// <param name="Events">Held events (is_intervention) as they are now; one-shot events (success, failure,
/// rerecord_episode, terminate_episode) stay set from their press until this reading is taken.</param>
public sealed record LatestTeleop(IReadOnlyDictionary<string, double> Action, IReadOnlyDictionary<TeleopEvent, bool> Events, DateTimeOffset ReadAt);

public sealed class GetLatestTeleop
{
    public static readonly GetLatestTeleop Instance = new();
    private GetLatestTeleop() { }
}

/// <summary>
/// Owns one teleoperator (leader arm, gamepad, keyboard) and keeps its latest action and events, read
/// every poll interval, so the control loop takes them without waiting on the device. A press of
/// success, failure or re-record between two control ticks is never lost: it stays latched until read. Each poll
/// is also published in the robot's <see cref="RobotReadings"/> (presses latched there for the control loop alone).
/// </summary>
public sealed class TeleopActor : DeviceActor
{
    private static readonly TeleopEvent[] OneShot = [TeleopEvent.Success, TeleopEvent.Failure, TeleopEvent.RerecordEpisode, TeleopEvent.TerminateEpisode];

    private readonly Func<ITeleoperator> _open;
    private readonly RobotReadings? _readings;
    private readonly Dictionary<TeleopEvent, bool> _events = new();
    private ITeleoperator? _teleop;
    private Dictionary<string, double> _action = new();
    private DateTimeOffset _readAt;
    private bool _gamepadSeen;

    /// <param name="open">Opens the teleoperator; called again on every reconnect.</param>
    public static Props Props(string name, string target, Func<ITeleoperator> open, IActorRef listener, TimeSpan pollInterval, RobotReadings? readings = null) =>
        Akka.Actor.Props.Create(() => new TeleopActor(name, target, open, listener, pollInterval, readings)).WithDispatcher(Dispatcher);

    public TeleopActor(string name, string target, Func<ITeleoperator> open, IActorRef listener, TimeSpan pollInterval, RobotReadings? readings = null)
        : base(name, target, listener, pollInterval)
    {
        _open = open;
        _readings = readings;
    }

    protected override void Open()
    {
        _teleop = _open();
        Poll();
    }

    protected override void Poll()
    {
        // A gamepad's reader thread keeps the last state after its device vanishes: the loss shows as an
        // error, or as a device that was connected and no longer is.
        if (_teleop is GamepadTeleoperator { Joystick: var joystick })
        {
            if (joystick.Error is { } error) throw new IOException($"gamepad lost: {error}");
            if (joystick.Connected) _gamepadSeen = true;
            else if (_gamepadSeen) throw new IOException($"gamepad lost: {Target} closed");
        }
        _action = _teleop!.GetAction();
        _readAt = DateTimeOffset.UtcNow;
        var held = new Dictionary<TeleopEvent, bool>();
        if (_teleop is IEventTeleoperator withEvents)
        {
            foreach (var (e, on) in withEvents.GetTeleopEvents())
            {
                _events[e] = OneShot.Contains(e) ? on || _events.GetValueOrDefault(e) : on;
                if (!OneShot.Contains(e)) held[e] = on;
                else if (on) _readings?.Press(e);
            }
        }
        _readings?.Teleop.Publish(new TeleopReading(_teleop.ActionFeatures, new Dictionary<string, double>(_action), held));
    }

    protected override void Ready()
    {
        Receive<GetLatestTeleop>(_ =>
        {
            Sender.Tell(new LatestTeleop(new Dictionary<string, double>(_action), new Dictionary<TeleopEvent, bool>(_events), _readAt));
            foreach (var e in OneShot) _events.Remove(e);
        });
        Receive<GetRobotStatus>(_ => Sender.Tell(Report(DeviceState.Ready, null)));
    }

    protected override void Close()
    {
        _readings?.Teleop.Clear();
        _teleop?.Dispose();
        _teleop = null;
    }
}
