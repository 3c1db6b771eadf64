using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>`torque &lt;robot&gt; on|off`: switches the arm's motor torque. Moves hardware, so a stale command is refused.</summary>
public sealed class TorqueCommand : IGatewayCommand
{
    public CommandDescriptor Descriptor { get; } = new("torque", "Switch a robot's motor torque: torque <robot> on|off.",
        [new CommandArgument("robot", "the robot's id"), new CommandArgument("on|off", "on holds the joints, off lets them move freely")], Actuates: true);

    public async Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments)
    {
        bool on;
        switch (arguments[1].ToLowerInvariant())
        {
            case "on": on = true; break;
            case "off": on = false; break;
            default: return CommandReply.Failure($"usage: {Descriptor.Usage}: '{arguments[1]}' is neither on nor off");
        }
        return await RobotReplies.AskAsync(context, new SetTorque(arguments[0], on), reply => reply switch
        {
            TorqueSet t => CommandReply.Success($"torque {(t.On ? "on" : "off")} for {t.RobotId}"),
            _ => null,
        });
    }
}
