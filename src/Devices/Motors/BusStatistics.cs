namespace RobotActors.Devices.Motors;

/// <summary>Counters of a bus's exchanges, so flaky cabling shows up as numbers rather than silence.</summary>
public sealed class BusStatistics
{
    private long _transactions, _timeouts, _corrupt, _retries, _failures;

    public long Transactions => Interlocked.Read(ref _transactions);
    /// <summary>Replies that did not arrive before the deadline.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);
    /// <summary>Replies with a bad checksum/CRC or broken framing.</summary>
    public long CorruptPackets => Interlocked.Read(ref _corrupt);
    /// <summary>Exchanges repeated after a timeout or a corrupt reply.</summary>
    public long Retries => Interlocked.Read(ref _retries);
    /// <summary>Exchanges that still failed after every retry.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    internal void Transaction() => Interlocked.Increment(ref _transactions);
    internal void Timeout() => Interlocked.Increment(ref _timeouts);
    internal void Corrupt() => Interlocked.Increment(ref _corrupt);
    internal void Retry() => Interlocked.Increment(ref _retries);
    internal void Failure() => Interlocked.Increment(ref _failures);

    public override string ToString() =>
        $"transactions={Transactions} timeouts={Timeouts} corrupt={CorruptPackets} retries={Retries} failures={Failures}";
}
