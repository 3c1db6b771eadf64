using Akka.Actor;
using Akka.Cluster;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Robots;

namespace RobotActors.Actors.Gateway;

/// <summary>
/// Finds robots across the cluster for the console: asks the robots manager of every Up member with
/// the robot role, so the console can reach a robot through any node.
/// </summary>
public static class RobotDirectory
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    private static IEnumerable<Address> RobotNodes(ActorSystem system) =>
        Cluster.Get(system).State.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole("robot")).Select(m => m.Address);

    private static ActorSelection Manager(ActorSystem system, Address node) =>
        system.ActorSelection(new RootActorPath(node) / "user" / RobotsManager.Name);

    /// <summary>Every robot node's robots; a node that does not answer is listed with none and a note.</summary>
    public static async Task<IReadOnlyList<(string Node, RobotList? Robots)>> ListAsync(ActorSystem system)
    {
        var asks = RobotNodes(system).Select(async node =>
        {
            try { return (node.ToString(), (RobotList?)await Manager(system, node).Ask<RobotList>(ListRobots.Instance, AskTimeout)); }
            catch (AskTimeoutException) { return (node.ToString(), (RobotList?)null); }
        });
        return await Task.WhenAll(asks);
    }

    /// <summary>Sends a robot message to whichever robot node drives that robot; <see cref="RobotNotFound"/> when none does.</summary>
    public static async Task<object> AskAsync(ActorSystem system, IRobotMessage message, TimeSpan? timeout = null)
    {
        var answers = await Task.WhenAll(RobotNodes(system).Select(async node =>
        {
            try { return await Manager(system, node).Ask<object>(message, timeout ?? AskTimeout); }
            catch (AskTimeoutException) { return new RobotCommandFailed(message.RobotId, $"node {node} did not answer within {(timeout ?? AskTimeout).TotalSeconds:0} s"); }
        }));
        return answers.FirstOrDefault(a => a is not RobotNotFound and not RobotCommandFailed)
               ?? answers.FirstOrDefault(a => a is RobotCommandFailed)
               ?? new RobotNotFound(message.RobotId);
    }
}
