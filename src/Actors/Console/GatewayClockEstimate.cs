using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Console;

/// <summary>
/// The console's estimate of one gateway's monotonic clock, kept as an offset from the console's own monotonic clock.
/// A reading the gateway took between the console's send and receipt says: at receipt, the gateway's clock was at
/// least the reading. So the estimate (reading + time since receipt) never runs ahead of the gateway's clock and lags
/// it by at most the round trip; a command's age as the gateway computes it is then its true age plus at most that
/// round trip, erring towards refusing. Neither machine's wall clock takes part. Of several readings of the same
/// clock, the one giving the latest estimate is the tightest and is kept.
/// </summary>
public sealed class GatewayClockEstimate
{
    private readonly TimeSpan _offset;

    /// <summary>The gateway clock this estimate is of.</summary>
    public string ClockId { get; }

    /// <summary>The round trip of the reading in use: the most the estimate can lag the gateway's clock.</summary>
    public TimeSpan RoundTrip { get; }

    /// <summary>The console's clock when the reading in use was received.</summary>
    public TimeSpan ReceivedAt { get; }

    private GatewayClockEstimate(string clockId, TimeSpan offset, TimeSpan roundTrip, TimeSpan receivedAt)
    {
        ClockId = clockId;
        _offset = offset;
        RoundTrip = roundTrip;
        ReceivedAt = receivedAt;
    }

    /// <param name="reading">The gateway's reading.</param>
    /// <param name="sentAt">The console's monotonic clock when it sent the request the reading answers.</param>
    /// <param name="receivedAt">The console's monotonic clock when the reading arrived.</param>
    public static GatewayClockEstimate From(GatewayClock reading, TimeSpan sentAt, TimeSpan receivedAt)
    {
        if (receivedAt < sentAt) throw new ArgumentException("a reading cannot arrive before its request was sent");
        return new GatewayClockEstimate(reading.ClockId, reading.Elapsed - receivedAt, receivedAt - sentAt, receivedAt);
    }

    /// <summary>This estimate with another reading taken into account: a reading of another clock replaces it.</summary>
    public GatewayClockEstimate With(GatewayClock reading, TimeSpan sentAt, TimeSpan receivedAt)
    {
        var next = From(reading, sentAt, receivedAt);
        return next.ClockId != ClockId || next._offset >= _offset ? next : this;
    }

    /// <summary>The stamp for a command sent when the console's monotonic clock reads <paramref name="consoleNow"/>.</summary>
    public GatewayStamp Stamp(TimeSpan consoleNow) => new(ClockId, consoleNow + _offset);
}
