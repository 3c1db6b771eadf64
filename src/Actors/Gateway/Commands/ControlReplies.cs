using RobotActors.Actors.Control;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>Sends a control message to a robot's control loop and turns its <see cref="ControlReply"/> into the console's.</summary>
internal static class ControlReplies
{
    public static Task<CommandReply> AskAsync(GatewayContext context, IControlMessage message) =>
        RobotReplies.AskAsync(context, message, reply => reply is ControlReply r ? r.Ok ? CommandReply.Success(r.Text) : CommandReply.Failure(r.Text) : null);
}
