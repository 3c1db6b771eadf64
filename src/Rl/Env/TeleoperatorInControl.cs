using RobotActors.Devices.Teleoperators;

namespace RobotActors.Rl.Env;

/// <summary>
/// A teleoperator that is always intervening: with no policy (teleoperate, lerobot-record), the person drives
/// every tick. Its other events (success, failure, re-record) pass through.
/// </summary>
public sealed class TeleoperatorInControl(ITeleoperator inner) : IEventTeleoperator
{
    public ITeleoperator Inner { get; } = inner;
    public IReadOnlyList<string> ActionFeatures => Inner.ActionFeatures;
    public Dictionary<string, double> GetAction() => Inner.GetAction();

    public Dictionary<TeleopEvent, bool> GetTeleopEvents()
    {
        var events = Inner is IEventTeleoperator e ? e.GetTeleopEvents() : new Dictionary<TeleopEvent, bool>();
        events[TeleopEvent.IsIntervention] = true;
        return events;
    }

    public void Dispose() => Inner.Dispose();
}
