using System.Diagnostics;
using Akka.Actor;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Tests;

/// <summary>Asking a running node about its robots, as the robot tests do.</summary>
internal static class RobotNodeQueries
{
    public static Task<RobotStatusReport> RobotStatusAsync(this RobotActorsNode node, string id) =>
        node.System.ActorSelection("/user/robots").Ask<RobotStatusReport>(new GetRobotStatus(id), TimeSpan.FromSeconds(5));

    /// <summary>Polls until the robot is in <paramref name="state"/>; fails naming each device's state when it is not within the time.</summary>
    public static async Task<RobotStatusReport> WaitForRobotStateAsync(this RobotActorsNode node, string id, DeviceState state, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await node.RobotStatusAsync(id);
            if (status.State == state) return status;
            if (clock.Elapsed > within)
                throw new TimeoutException($"robot {id} stayed {status.State} for {within.TotalSeconds} s, expected {state}: " +
                    string.Join("; ", status.Devices.Select(d => $"{d.Name} {d.State} {d.Detail}")));
            await Task.Delay(20);
        }
    }
}
