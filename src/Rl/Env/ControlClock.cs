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

/// <summary>
/// Fixed-rate waiting without drift: each tick ends at the previous deadline plus the period; a late tick starts a new
/// schedule and is counted. How late each tick ended against its deadline is kept for the last
/// <see cref="ErrorWindow"/> ticks (the period error a bench or `session status` reports).
/// </summary>
public sealed class RealTimeClock : IControlClock
{
    public const int ErrorWindow = 2000;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly double[] _errorsMs = new double[ErrorWindow];
    private readonly object _errorsLock = new();
    private long _ticks;
    private TimeSpan _next;

    public long Overruns { get; private set; }

    public void Restart() => _next = _clock.Elapsed;

    public void Tick(TimeSpan period)
    {
        if (_next == TimeSpan.Zero) _next = _clock.Elapsed;
        _next += period;
        var wait = _next - _clock.Elapsed;
        if (wait > TimeSpan.Zero) WaitUntil(_next, wait);
        var late = _clock.Elapsed - _next;
        if (wait <= TimeSpan.Zero)
        {
            Overruns++;
            _next = _clock.Elapsed;
        }
        lock (_errorsLock) _errorsMs[_ticks++ % ErrorWindow] = Math.Max(0, late.TotalMilliseconds);
    }

    // Thread.Sleep alone wakes up to a millisecond early or a scheduler slice late: sleep to just before the
    // deadline, then yield until it (a millisecond or two of spinning per tick).
    private void WaitUntil(TimeSpan deadline, TimeSpan wait)
    {
        if (wait > SpinMargin) Thread.Sleep(wait - SpinMargin);
        while (_clock.Elapsed < deadline) Thread.Yield();
    }

    private static readonly TimeSpan SpinMargin = TimeSpan.FromMilliseconds(1.5);

    /// <summary>How late the last ticks (up to <see cref="ErrorWindow"/>) ended against their deadlines, in ms.</summary>
    public double[] PeriodErrorsMs()
    {
        lock (_errorsLock) return _errorsMs.Take((int)Math.Min(_ticks, ErrorWindow)).ToArray();
    }
}
