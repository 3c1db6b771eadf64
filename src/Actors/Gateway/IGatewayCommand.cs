using Akka.Actor;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway;

/// <summary>A command the ControlGateway serves to the console. Describe it; the console builds its help from that.</summary>
public interface IGatewayCommand
{
    CommandDescriptor Descriptor { get; }

    Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments);
}

/// <summary>What a command may use: the node's actor system, its settings and when it started.</summary>
public sealed record GatewayContext(ActorSystem System, RobotActorsSettings Settings, DateTimeOffset StartedAt, string Version);
