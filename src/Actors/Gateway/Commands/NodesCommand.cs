using System.Text.Json;
using Akka.Cluster;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>`nodes`: every member of the cluster with its roles, state and reachability.</summary>
public sealed class NodesCommand : IGatewayCommand
{
    public CommandDescriptor Descriptor { get; } = new("nodes", "Every member of the cluster: address, roles, state and reachability.", []);

    public Task<CommandReply> ExecuteAsync(GatewayContext context, IReadOnlyList<string> arguments)
    {
        var members = ClusterView.Members(Cluster.Get(context.System));
        return Task.FromResult(CommandReply.Success(
            $"{members.Count} node(s)\n{ClusterView.Table(members)}",
            JsonSerializer.Serialize(members, GatewayJson.Options)));
    }
}
