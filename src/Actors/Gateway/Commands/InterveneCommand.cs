using RobotActors.Actors.Control;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>`intervene &lt;robot&gt; on|off`: the operator takes the arm from the policy (as holding the gamepad's intervention button) or hands it back.</summary>
public sealed class InterveneCommand : IGatewayCommand
{
    public CommandDescriptor Descriptor { get; } = new("intervene", "Take a robot from its policy, or give it back: intervene <robot> on|off.",
        [new CommandArgument("robot", "the robot's id"), new CommandArgument("on|off", "on: the teleoperator drives and its actions are recorded as interventions")],
        Actuates: true);

    public Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments) => arguments[1].ToLowerInvariant() switch
    {
        "on" => ControlReplies.AskAsync(context, new SetIntervention(arguments[0], true)),
        "off" => ControlReplies.AskAsync(context, new SetIntervention(arguments[0], false)),
        _ => Task.FromResult(CommandReply.Failure($"usage: {Descriptor.Usage}: '{arguments[1]}' is neither on nor off")),
    };
}
