using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using RobotActors.Actors.Configuration;

namespace RobotActors.Actors.Learner;

/// <summary>
/// The learner as a cluster singleton on role "learner": the manager (/user/learner) on every learner node runs
/// the <see cref="LearnerActor"/> on the oldest of them; the proxy (/user/learner-proxy) on every node forwards small
/// messages (status) to wherever it runs. Transitions and weights never go through the proxy.
/// </summary>
public static class LearnerSingleton
{
    public static void Start(ActorSystem system, RobotActorsSettings settings)
    {
        if (settings.Node.Roles.Contains(LearnerActor.Role))
            system.ActorOf(ClusterSingletonManager.Props(LearnerActor.Props(settings), PoisonPill.Instance,
                ClusterSingletonManagerSettings.Create(system).WithRole(LearnerActor.Role).WithSingletonName("singleton")), LearnerActor.Name);
        system.ActorOf(ClusterSingletonProxy.Props($"/user/{LearnerActor.Name}",
            ClusterSingletonProxySettings.Create(system).WithRole(LearnerActor.Role).WithSingletonName("singleton")), LearnerActor.ProxyName);
    }

    /// <summary>The proxy on this node, which reaches the learner wherever it runs.</summary>
    public static ActorSelection Proxy(ActorSystem system) => system.ActorSelection($"/user/{LearnerActor.ProxyName}");
}
