using System.Text.Json;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>`robots`: every robot in the cluster with its state (Ready, Connecting, Disconnected).</summary>
public sealed class RobotsCommand : IGatewayCommand
{
    public CommandDescriptor Descriptor { get; } = new("robots", "Every robot in the cluster: id, type, port and state.", []);

    public async Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments)
    {
        var lists = await RobotDirectory.ListAsync(context.System);
        var robots = lists.SelectMany(l => l.Robots?.Robots ?? []).ToList();
        var silent = lists.Where(l => l.Robots is null).Select(l => l.Node).ToList();
        var lines = robots.Select(r => $"  {r.RobotId,-12} {r.Type,-16} {r.State,-13} {r.Port}").ToList();
        lines.AddRange(silent.Select(n => $"  (robot node {n} did not answer)"));
        return CommandReply.Success(
            robots.Count == 0 && silent.Count == 0 ? "no robots configured (add them under robotactors.robots)" : $"{robots.Count} robot(s)\n{string.Join('\n', lines)}",
            JsonSerializer.Serialize(robots, GatewayJson.Options));
    }
}
