using System.Diagnostics;

namespace RobotActors.Rl.Env;

/// <summary>
/// What happens between a tick's goals and its next observation: a real robot waits for the control period
/// (<see cref="RealTimeClock"/>); a simulated one in lockstep advances its physics by the period, so
/// recording and evaluation run faster than real time and give the same result every run.
/// </summary>
public interface IControlClock
{
    void Tick(TimeSpan period);
}

/// <summary>Fixed-rate waiting without drift: each tick ends at the previous deadline plus the period; a late tick starts a new schedule and is counted.</summary>
public sealed class RealTimeClock : IControlClock
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _next;

    public long Overruns { get; private set; }

    public void Restart() => _next = _clock.Elapsed;

    public void Tick(TimeSpan period)
    {
        if (_next == TimeSpan.Zero) _next = _clock.Elapsed;
        _next += period;
        var wait = _next - _clock.Elapsed;
        if (wait > TimeSpan.Zero) Thread.Sleep(wait);
        else
        {
            Overruns++;
            _next = _clock.Elapsed;
        }
    }
}
