using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Configuration;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Gateway;
using RobotActors.Actors.Gateway.Commands;
using RobotActors.Actors.Learner;
using RobotActors.Actors.Persistence;
using RobotActors.Actors.Robots;

namespace RobotActors.Actors.Hosting;

/// <summary>
/// A running RobotActors cluster node: the actor system, its journal, and the ControlGateway the
/// console reaches. Role-specific actors (robots, learner) are started by the role's own wiring.
/// </summary>
public sealed class RobotActorsNode : IAsyncDisposable
{
    public ActorSystem System { get; }
    public RobotActorsSettings Settings { get; }
    public IActorRef Gateway { get; }
    public DateTimeOffset StartedAt { get; }

    private RobotActorsNode(ActorSystem system, RobotActorsSettings settings, IActorRef gateway, DateTimeOffset startedAt)
    {
        System = system;
        Settings = settings;
        Gateway = gateway;
        StartedAt = startedAt;
    }

    /// <summary>The address other nodes and the console use, with the actual port when 0 was configured.</summary>
    public Address Address => Akka.Cluster.Cluster.Get(System).SelfAddress;

    /// <summary>The commands every node serves.</summary>
    public static IEnumerable<IGatewayCommand> CoreCommands() =>
        [new StatusCommand(), new NodesCommand(), new RobotsCommand(), new RobotCommand(), new MotorsCommand(), new TorqueCommand(), new SessionsCommand(), new LearnerStatusCommand(),
         new SessionCommand(), new InterveneCommand(), new EpisodeCommand()];

    public static RobotActorsNode Start(RobotActorsSettings settings, string version, Config? userAkka = null, IEnumerable<IGatewayCommand>? commands = null)
    {
        if (settings.Journal.Backend == JournalBackend.Sqlite)
            JournalConfig.PrepareSqlite(settings.Journal.Sqlite, settings.DataPath);

        if (settings.Learner.ConfigFullPath is not null) // a session or the learner will run torch (a node without one never loads it)
            TorchSharp.torch.set_num_threads(settings.Node.TorchThreads);

        var startedAt = DateTimeOffset.UtcNow;
        var system = ActorSystem.Create(settings.SystemName, NodeConfig.Build(settings, userAkka));
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (settings.Node.SeedNodes.Count == 0)
            cluster.Join(cluster.SelfAddress); // no seeds: this node starts a cluster of its own

        if (settings.Node.Roles.Contains("robot"))
            system.ActorOf(RobotsManager.Props(settings), RobotsManager.Name);
        if (settings.Node.Roles.Contains(Inference.PolicyServerActor.Role))
            Inference.PolicyServer.Start(system, settings.Inference.PolicyPath);
        LearnerSingleton.Start(system, settings);

        var context = new GatewayContext(system, settings, startedAt, version);
        var gateway = system.ActorOf(ControlGateway.Props(context, commands ?? CoreCommands()), ControlGateway.Name);
        ClusterClientReceptionist.Get(system).RegisterService(gateway);
        return new RobotActorsNode(system, settings, gateway, startedAt);
    }

    /// <summary>Completes when this node is Up in the cluster; fails after the timeout.</summary>
    public Task WaitUntilUpAsync(TimeSpan timeout)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(System).RegisterOnMemberUp(() => up.TrySetResult());
        return up.Task.WaitAsync(timeout);
    }

    /// <summary>Leaves the cluster gracefully and stops the actor system.</summary>
    public async Task LeaveAsync()
    {
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance);
        await System.WhenTerminated;
    }

    public async ValueTask DisposeAsync() => await LeaveAsync();
}
