using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Transitions;

namespace RobotActors.Actors.Tests.Transitions;

/// <summary>Nodes of one cluster on loopback, each its own actor system with real remoting, serializer and SQLite journal.</summary>
internal static class LoopbackCluster
{
    /// <summary>
    /// A cluster whose oldest node downs an unreachable one after 2 s instead of the default 20 s, so a test can
    /// hard-stop a node and see the survivor carry on (the survivor is the seed, the oldest).
    /// </summary>
    public static readonly Config QuickDowning = ConfigurationFactory.ParseString("""
        akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
        akka.cluster.split-brain-resolver { active-strategy = keep-oldest, stable-after = 2s }
        akka.cluster.failure-detector { heartbeat-interval = 500ms, acceptable-heartbeat-pause = 2s }
        """);

    public static async Task<RobotActorsNode> StartAsync(string dataDir, string role, RobotActorsNode? seed = null, string extra = "", Config? akka = null)
    {
        var seeds = seed is null ? "" : $"robotactors.node.seed-nodes = [\"127.0.0.1:{seed.Address.Port}\"]";
        var node = RobotActorsNode.Start(TestSettings.Create(dataDir, $"robotactors.node.roles = [{role}]\n{seeds}\n{extra}\n{Environment.GetEnvironmentVariable("RA_TEST_EXTRA")}"), "test", akka);
        await node.WaitUntilUpAsync(TimeSpan.FromSeconds(30));
        return node;
    }

    /// <summary>Polls until the condition holds; fails with the last value described.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, Func<T, string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (clock.Elapsed > within) throw new TimeoutException($"not reached within {within.TotalSeconds} s: {describe(value)}");
            await Task.Delay(50);
        }
    }

    public static Task<TransitionInboxStatus> InboxStatusAsync(IActorRef inbox) =>
        inbox.Ask<TransitionInboxStatus>(GetTransitionInboxStatus.Instance, TimeSpan.FromSeconds(5));

    public static long NextStep(this TransitionInboxStatus status, string producer) =>
        status.Producers.FirstOrDefault(p => p.ProducerId == producer)?.NextStepSeqNr ?? 0;

    /// <summary>Waits until both nodes see each other Up (so pub-sub reaches across).</summary>
    public static async Task WaitForMembersAsync(RobotActorsNode node, int count) =>
        await EventuallyAsync(() => Task.FromResult(Cluster.Get(node.System).State.Members.Count(m => m.Status == MemberStatus.Up)),
            n => n >= count, TimeSpan.FromSeconds(30), n => $"{n} members up");
}

/// <summary>Stands in for the replay buffer's owner: keeps what the inbox accepted, in arrival order.</summary>
internal sealed class AcceptedSteps : ReceiveActor
{
    public AcceptedSteps(ConcurrentQueue<long> steps) =>
        Receive<TransitionsAccepted>(a =>
        {
            for (var i = 0; i < a.Steps.Count; i++) steps.Enqueue(a.FirstStepSeqNr + i);
        });
}
