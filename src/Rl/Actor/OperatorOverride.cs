using RobotActors.Devices.Teleoperators;

namespace RobotActors.Rl.Actor;

/// <summary>
/// What an operator at the console adds to the robot's teleoperator: holding the intervention (as the gamepad's
/// button, whatever the teleoperator itself reports) and pressing success / failure / re-record once. Set from any
/// thread; the control thread reads it through the teleoperator's events.
/// </summary>
public sealed class OperatorOverride(ITeleoperator inner) : IEventTeleoperator
{
    private volatile bool _intervening;
    private int _pressed; // a TeleopEvent + 1, or 0

    public ITeleoperator Inner { get; } = inner;
    public bool Intervening => _intervening;
    public IReadOnlyList<string> ActionFeatures => Inner.ActionFeatures;

    public void SetIntervention(bool on) => _intervening = on;

    /// <summary>Success, Failure or RerecordEpisode, reported with the next events (and ending the episode as the gamepad's buttons do).</summary>
    public void Press(TeleopEvent button)
    {
        if (button is not (TeleopEvent.Success or TeleopEvent.Failure or TeleopEvent.RerecordEpisode))
            throw new ArgumentException($"{button} is not an episode button; press Success, Failure or RerecordEpisode.");
        Interlocked.Exchange(ref _pressed, (int)button + 1);
    }

    public Dictionary<string, double> GetAction() => Inner.GetAction();

    public Dictionary<TeleopEvent, bool> GetTeleopEvents()
    {
        var events = Inner is IEventTeleoperator e ? e.GetTeleopEvents() : new Dictionary<TeleopEvent, bool>();
        if (_intervening) events[TeleopEvent.IsIntervention] = true;
        var pressed = Interlocked.Exchange(ref _pressed, 0);
        if (pressed > 0)
        {
            events[(TeleopEvent)(pressed - 1)] = true;
            events[TeleopEvent.TerminateEpisode] = true;
        }
        return events;
    }

    public void Dispose() => Inner.Dispose();
}
