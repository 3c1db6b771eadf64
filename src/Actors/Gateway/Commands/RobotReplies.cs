using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>Asks for a robot anywhere in the cluster and turns the common failures into console replies.</summary>
internal static class RobotReplies
{
    public static async Task<CommandReply> AskAsync(GatewayContext context, IRobotMessage message, Func<object, CommandReply?> success)
    {
        var reply = await RobotDirectory.AskAsync(context.System, message);
        return success(reply) ?? reply switch
        {
            RobotNotFound n => CommandReply.Failure($"no robot '{n.RobotId}' in the cluster; `robots` lists them"),
            RobotCommandFailed f => CommandReply.Failure(f.Reason),
            _ => CommandReply.Failure($"unexpected answer {reply.GetType().Name} from robot {message.RobotId}"),
        };
    }
}
