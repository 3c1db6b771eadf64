using RobotActors.Actors.Control;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>`episode &lt;robot&gt; success|failure|rerecord`: the operator's episode buttons; the open episode ends with that outcome.</summary>
public sealed class EpisodeCommand : IGatewayCommand
{
    public CommandDescriptor Descriptor { get; } = new("episode", "End a robot's open episode as the operator judges it: episode <robot> success|failure|rerecord.",
        [new CommandArgument("robot", "the robot's id"), new CommandArgument("success|failure|rerecord", "the outcome (rerecord: the episode is to be done again)")]);

    public Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments)
    {
        EpisodeOutcome? outcome = arguments[1].ToLowerInvariant() switch
        {
            "success" => EpisodeOutcome.Success,
            "failure" => EpisodeOutcome.Failure,
            "rerecord" => EpisodeOutcome.Rerecord,
            _ => null,
        };
        return outcome is { } o ? ControlReplies.AskAsync(context, new MarkEpisode(arguments[0], o))
            : Task.FromResult(CommandReply.Failure($"usage: {Descriptor.Usage}: '{arguments[1]}' is not success, failure or rerecord"));
    }
}
