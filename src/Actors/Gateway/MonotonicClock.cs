using System.Diagnostics;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway;

/// <summary>
/// A gateway's own clock for the age of console commands: Stopwatch-based, so setting this machine's wall clock
/// (by hand, NTP stepping it, a wrong time zone) does not move it. Its id is new every time a gateway starts, so a
/// console's stamp from an earlier gateway, or from another node's, is recognised as such rather than misread.
/// </summary>
public sealed class MonotonicClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public TimeSpan Now => Stopwatch.GetElapsedTime(_start);

    public GatewayClock Read() => new(Id, Now);
}
