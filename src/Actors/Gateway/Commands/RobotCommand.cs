using System.Text.Json;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>`robot &lt;id&gt; status`: one robot's state and each of its devices, with the bus counters.</summary>
public sealed class RobotCommand : IGatewayCommand
{
    public CommandDescriptor Descriptor { get; } = new("robot", "One robot's state and devices: robot <id> status.",
        [new CommandArgument("id", "the robot's id (see `robots`)"), new CommandArgument("status", "what to show: status")]);

    public async Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments)
    {
        if (arguments[1] != "status") return CommandReply.Failure($"usage: {Descriptor.Usage} (only `status` is served)");
        return await RobotReplies.AskAsync(context, new GetRobotStatus(arguments[0]), reply => reply switch
        {
            RobotStatusReport r => CommandReply.Success(Describe(r), JsonSerializer.Serialize(r, GatewayJson.Options)),
            _ => null,
        });
    }

    internal static string Describe(RobotStatusReport r) =>
        $"robot {r.RobotId} ({r.Type} on {r.Port}): {r.State}\n" + string.Join('\n', r.Devices.Select(d =>
            $"  {d.Name,-12} {d.State,-13} since {d.Since:HH:mm:ss}  reconnects={d.Reconnects} transactions={d.Transactions} timeouts={d.Timeouts} corrupt={d.CorruptPackets} retries={d.Retries} failures={d.Failures}" +
            (d.Detail is null ? "" : $"\n  {"",-12} {d.Detail}")));
}
