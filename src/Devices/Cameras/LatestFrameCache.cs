namespace RobotActors.Devices.Cameras;

/// <summary>
/// The newest frame of a grab loop. Readers either take the latest without waiting (with a maximum
/// age, like LeRobot's read_latest) or wait for one they have not seen yet (async_read).
/// </summary>
public sealed class LatestFrameCache
{
    private readonly object _gate = new();
    private Frame? _latest;
    private long _consumedIndex = -1;

    public void Publish(Frame frame)
    {
        lock (_gate)
        {
            _latest = frame;
            Monitor.PulseAll(_gate);
        }
    }

    public Frame? Peek() { lock (_gate) return _latest; }

    /// <summary>The newest frame if it is younger than <paramref name="maxAge"/>; otherwise a TimeoutException naming its age.</summary>
    public Frame ReadLatest(TimeSpan maxAge)
    {
        lock (_gate)
        {
            if (_latest is null)
                throw new TimeoutException("No frame has been captured yet.");
            var age = DateTime.UtcNow - _latest.TimestampUtc;
            if (age > maxAge)
                throw new TimeoutException($"The latest frame is {age.TotalMilliseconds:F0} ms old (max {maxAge.TotalMilliseconds:F0} ms): the camera has stalled.");
            return _latest;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a frame not returned by an earlier call.</summary>
    public Frame ReadNew(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            while (_latest is null || _latest.Index <= _consumedIndex)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left) && (_latest is null || _latest.Index <= _consumedIndex))
                    throw new TimeoutException($"No new frame within {timeout.TotalMilliseconds:F0} ms.");
            }
            _consumedIndex = _latest.Index;
            return _latest;
        }
    }
}
