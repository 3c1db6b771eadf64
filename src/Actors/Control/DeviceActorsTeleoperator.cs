using RobotActors.Actors.Robots;
using RobotActors.Devices.Teleoperators;

namespace RobotActors.Actors.Control;

/// <summary>
/// A real arm's teleoperator (gamepad, leader arm) as the action processor sees it, backed by the robot's TeleopActor:
/// the action and held events of its latest poll, and each press of success, failure or re-record once. A reading
/// older than <paramref name="maxAge"/> (the gamepad unplugged, the actor reconnecting) holds no intervention, so a lost
/// operator never keeps driving the arm with the last stick position; the policy acts again until it is back.
/// </summary>
public sealed class DeviceActorsTeleoperator : IEventTeleoperator
{
    private readonly RobotReadings _readings;
    private readonly TimeSpan _maxAge;
    private readonly IReadOnlyDictionary<string, double> _neutral;

    public DeviceActorsTeleoperator(RobotReadings readings, TeleopReading first, TimeSpan maxAge)
    {
        _readings = readings;
        _maxAge = maxAge;
        ActionFeatures = first.Features;
        _neutral = first.Action;
        readings.TakePresses(); // a press from before the session started is not this session's
    }

    public IReadOnlyList<string> ActionFeatures { get; }

    public Dictionary<string, double> GetAction() =>
        new(_readings.Teleop.TryRead(_maxAge, out _)?.Action ?? _readings.Teleop.Peek()?.Action ?? _neutral);

    public Dictionary<TeleopEvent, bool> GetTeleopEvents()
    {
        var events = Enum.GetValues<TeleopEvent>().ToDictionary(e => e, _ => false);
        if (_readings.Teleop.TryRead(_maxAge, out _) is { } fresh)
            foreach (var (e, on) in fresh.Held) events[e] = on;
        foreach (var e in _readings.TakePresses()) events[e] = true;
        return events;
    }

    /// <summary>The TeleopActor owns the device; nothing to close here.</summary>
    public void Dispose() { }
}
