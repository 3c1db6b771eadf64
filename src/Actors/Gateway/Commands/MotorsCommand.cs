using System.Globalization;
using System.Text.Json;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>
/// `motors &lt;robot&gt; read &lt;register&gt;` reads one register of every motor, by LeRobot's register name;
/// `motors &lt;robot&gt; write &lt;register&gt; &lt;value&gt; [--id 1,2]` writes one. A write moves hardware: it is
/// refused when stale, and the motor bus refuses values outside the register's range or the joint limits.
/// </summary>
public sealed class MotorsCommand : IGatewayCommand
{
    public CommandDescriptor Descriptor { get; } = new("motors",
        "Read or write a register: motors <robot> read <register>, or motors <robot> write <register> <value> [--id 1,2] " +
        "(Goal_Position in the arm's units, inside its joint limits; other registers in raw units).",
        [
            new CommandArgument("robot", "the robot's id"), new CommandArgument("read|write", "the operation"),
            new CommandArgument("register", "a control-table name, e.g. Present_Position, Goal_Position, P_Coefficient"),
            new CommandArgument("value", "write: the value", Required: false),
            new CommandArgument("--id", "write: only these motor ids, comma-separated (default: every motor)", Required: false),
            new CommandArgument("ids", "the ids after --id, e.g. 1,2,3", Required: false),
        ], Actuates: true);

    public async Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments)
    {
        switch (arguments[1])
        {
            case "read" when arguments.Count == 3:
                return await Read(context, arguments[0], arguments[2]);
            case "write" when arguments.Count >= 4:
                return ParseWrite(arguments) is { } write ? await Write(context, write) : CommandReply.Failure($"usage: {WriteUsage}");
            default:
                return CommandReply.Failure($"usage: motors <robot> read <register>, or {WriteUsage}");
        }
    }

    private const string WriteUsage = "motors <robot> write <register> <value> [--id 1,2,3]";

    private static async Task<CommandReply> Read(GatewayContext context, string robot, string register)
    {
        var position = register.Contains("Position", StringComparison.Ordinal);
        return await RobotReplies.AskAsync(context, new ReadMotors(robot, register, Normalize: position), reply => reply switch
        {
            MotorValues v => CommandReply.Success(
                $"{v.Register} of {v.RobotId}\n" + string.Join('\n', v.Values.Select(kv => $"  {kv.Key,-14} {kv.Value.ToString("0.##", CultureInfo.InvariantCulture)}")),
                JsonSerializer.Serialize(v, GatewayJson.Options)),
            _ => null,
        });
    }

    private static Task<CommandReply> Write(GatewayContext context, WriteMotors write) =>
        RobotReplies.AskAsync(context, write, reply => reply switch
        {
            MotorsWritten w => CommandReply.Success(
                $"wrote {w.Register} on {w.RobotId}\n" + string.Join('\n', w.Values.Select(kv => $"  {kv.Key,-14} {kv.Value.ToString("0.##", CultureInfo.InvariantCulture)}")),
                JsonSerializer.Serialize(w, GatewayJson.Options)),
            _ => null,
        });

    /// <summary>"arm1 write Goal_Position 10 --id 1,2" (or "--id=1,2"); null when the value or the ids do not parse.</summary>
    internal static WriteMotors? ParseWrite(IReadOnlyList<string> arguments)
    {
        if (!double.TryParse(arguments[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return null;
        var rest = arguments.Skip(4).ToList();
        string? idText = rest switch
        {
            [] => "",
            ["--id", var list] => list,
            [var flag] when flag.StartsWith("--id=", StringComparison.Ordinal) => flag["--id=".Length..],
            _ => null,
        };
        if (idText is null) return null;
        var ids = new List<int>();
        foreach (var part in idText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return null;
            ids.Add(id);
        }
        return new WriteMotors(arguments[0], arguments[2], value, ids);
    }
}
