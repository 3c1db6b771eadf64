using System.Diagnostics;

namespace RobotActors.Rl.Env.Io;

/// <summary>
/// The newest value a device has published, and how old it is, for a reader on another thread that must never wait:
/// the writer replaces it, the reader takes whatever is there. Ages are on the process's monotonic clock, so a wall
/// clock step (a robot PC without a real-time clock setting its time) never makes a reading look fresh or stale.
/// </summary>
public sealed class LatestValue<T> where T : class
{
    private sealed record Stamped(T Value, long Timestamp);

    private volatile Stamped? _latest;

    public void Publish(T value) => _latest = new Stamped(value, Stopwatch.GetTimestamp());

    /// <summary>The device is gone: nothing is fresh until it publishes again.</summary>
    public void Clear() => _latest = null;

    /// <summary>The value when one was published within <paramref name="maxAge"/>; else null, with the age of what there is (null: nothing).</summary>
    public T? TryRead(TimeSpan maxAge, out TimeSpan? age)
    {
        var latest = _latest;
        if (latest is null)
        {
            age = null;
            return null;
        }
        age = Stopwatch.GetElapsedTime(latest.Timestamp);
        return age <= maxAge ? latest.Value : null;
    }

    /// <summary>The value, however old (null: none published, or cleared).</summary>
    public T? Peek() => _latest?.Value;
}

/// <summary>
/// A reading the control loop needs is missing or older than it may be (the bus was unplugged, a device actor is
/// reconnecting, a camera stalled): the tick acts on nothing and holds the last safe goal. It is a communication
/// failure of the bus for anyone who does not know better, and a held tick for the actor loop.
/// </summary>
public sealed class StaleReadingException(string message) : Devices.MotorBusCommunicationException(message);
