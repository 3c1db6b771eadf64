using Akka.Cluster;

namespace RobotActors.Actors.Gateway.Commands;

/// <summary>A node of the cluster as the console shows it.</summary>
public sealed record MemberView(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable, bool Self);

internal static class ClusterView
{
    public static IReadOnlyList<MemberView> Members(Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        return state.Members
            .Select(m => new MemberView(m.Address.ToString(), m.Roles.Order().ToList(), m.Status.ToString(), !unreachable.Contains(m.Address), m.Address == cluster.SelfAddress))
            .ToList();
    }

    public static string Table(IEnumerable<MemberView> members) =>
        string.Join('\n', members.Select(m =>
            $"  {m.Address,-42} {string.Join(",", m.Roles),-16} {m.Status,-8} {(m.Reachable ? "reachable" : "UNREACHABLE")}{(m.Self ? "  (this node)" : "")}"));
}
