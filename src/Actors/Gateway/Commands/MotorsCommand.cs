using System.Globalization;
using System.Text.Json;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>`motors &lt;robot&gt; read &lt;register&gt;`: one register of every motor, by LeRobot's register name.</summary>
public sealed class MotorsCommand : IGatewayCommand
{
    public CommandDescriptor Descriptor { get; } = new("motors", "Read a register of every motor: motors <robot> read <register> (e.g. Present_Position).",
        [new CommandArgument("robot", "the robot's id"), new CommandArgument("read", "the operation: read"), new CommandArgument("register", "a control-table name, e.g. Present_Position, Present_Temperature")]);

    public async Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments)
    {
        if (arguments[1] != "read") return CommandReply.Failure($"usage: {Descriptor.Usage} (only `read` is served from the console; writes go through `robotactors motors write` on the robot's machine)");
        var position = arguments[2].Contains("Position", StringComparison.Ordinal);
        return await RobotReplies.AskAsync(context, new ReadMotors(arguments[0], arguments[2], Normalize: position), reply => reply switch
        {
            MotorValues v => CommandReply.Success(
                $"{v.Register} of {v.RobotId}\n" + string.Join('\n', v.Values.Select(kv => $"  {kv.Key,-14} {kv.Value.ToString("0.##", CultureInfo.InvariantCulture)}")),
                JsonSerializer.Serialize(v, GatewayJson.Options)),
            _ => null,
        });
    }
}
