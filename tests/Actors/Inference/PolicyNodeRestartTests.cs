using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Inference;
using RobotActors.Datasets.Images;
using RobotActors.Policies;
using RobotActors.Policies.Act;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Inference;
using RobotActors.Policies.Processors;
using RobotActors.Rl.Env;
using RobotActors.Rl.Rollout;
using TorchSharp;
using static RobotActors.Actors.Tests.Transitions.LoopbackCluster;

namespace RobotActors.Actors.Tests.Inference;

/// <summary>
/// A policy node restarted at its address (its own seed, as hocon/policy-node.conf runs it) forms a cluster of its own;
/// the robot, which held meanwhile, joins it afresh and runs on its chunks again.
/// </summary>
public sealed class PolicyNodeRestartTests : IDisposable
{
    private readonly TempDir _first = new(), _second = new(), _robot = new(), _checkpoint = new();

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
        _robot.Dispose();
        _checkpoint.Dispose();
    }

    private string SaveAct()
    {
        torch.manual_seed(5);
        var config = new ActConfig
        {
            InputFeatures = { [PolicyKeys.ObservationState] = new(FeatureType.State, [4]), [PolicyKeys.ObservationEnvironmentState] = new(FeatureType.Env, [3]) },
            OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [3]) },
            ChunkSize = 10, NActionSteps = 10, DimModel = 16, NHeads = 2, DimFeedforward = 32, NEncoderLayers = 1, NDecoderLayers = 1,
            UseVae = false, PretrainedBackboneWeights = null,
        };
        var stats = new DatasetStats()
            .Set(PolicyKeys.ObservationState, "mean", [0, 0, 0, 0]).Set(PolicyKeys.ObservationState, "std", [1, 1, 1, 1])
            .Set(PolicyKeys.ObservationEnvironmentState, "mean", [0, 0, 0]).Set(PolicyKeys.ObservationEnvironmentState, "std", [1, 1, 1])
            .Set(PolicyKeys.Action, "mean", [0f, 0f, 0f]).Set(PolicyKeys.Action, "std", [1f, 1f, 1f]);
        using var policy = PolicyFactory.MakePolicy(config, stats);
        var (pre, post) = PolicyFactory.MakeProcessors(config, stats);
        policy.SavePretrained(_checkpoint.Path, pre, post);
        return _checkpoint.Path;
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private static readonly EnvObservation Observation = new()
    {
        State = [0.1f, 0.2f, -0.3f, 0.4f], EnvironmentState = [0.5f, 0f, 0.1f], Images = new Dictionary<string, ImageFrame>(), Joints = new Dictionary<string, double>(),
    };

    [Fact]
    public async Task A_restarted_policy_node_is_joined_afresh_and_the_robot_runs_on_its_chunks_again()
    {
        var checkpoint = SaveAct();
        var port = FreePort();
        var policyNode = $"robotactors.node.port = {port}\nrobotactors.inference.policy-path = \"{checkpoint}\"";
        var first = await StartAsync(_first.Path, "\"policy\"", extra: policyNode);

        var robotSettings = TestSettings.Create(_robot.Path, $"robotactors.node.roles = [rollout]\nrobotactors.node.seed-nodes = [\"127.0.0.1:{port}\"]");
        var chunks = 0;
        RemoteChunkPolicy? remote = null;
        var logged = new List<string>();
        await using var connection = await PolicyServerConnection.ConnectAsync(
            () => ActorSystem.Create(robotSettings.SystemName, NodeConfig.Build(robotSettings)),
            () => InferenceClientActor.Props("arm", c => { Interlocked.Increment(ref chunks); remote!.Deliver(c); }),
            info => info.ActionDim == 3 ? null : "wrong action size", logged.Add, rejoinAfter: TimeSpan.FromSeconds(1), findTimeout: TimeSpan.FromSeconds(20), default);
        remote = new RemoteChunkPolicy(connection, "remote", chunkSizeThreshold: 0.5, requestTimeoutTicks: 10);

        // The control thread at 20 Hz throughout; it records which ticks held.
        var held = new List<(long Tick, bool Held, int Chunks)>();
        var stop = new CancellationTokenSource();
        var control = new Thread(() =>
        {
            for (long t = 0; !stop.IsCancellationRequested; t++)
            {
                var action = remote.Next(t, Observation);
                lock (held) held.Add((t, action is null, Volatile.Read(ref chunks)));
                Thread.Sleep(50);
            }
        }) { IsBackground = true };
        control.Start();

        await EventuallyAsync(() => Task.FromResult(Volatile.Read(ref chunks)), n => n >= 3, TimeSpan.FromSeconds(20), n => $"{n} chunks before the restart");
        await first.System.Terminate(); // gone without a goodbye
        await first.DisposeAsync();
        var beforeRestart = Volatile.Read(ref chunks);
        await EventuallyAsync(() => Task.FromResult(HeldInARow()), n => n >= 10, TimeSpan.FromSeconds(20), n => $"{n} held ticks in a row");

        await using var second = await StartAsync(_second.Path, "\"policy\"", extra: policyNode);
        await EventuallyAsync(() => Task.FromResult(Volatile.Read(ref chunks)), n => n >= beforeRestart + 3, TimeSpan.FromSeconds(40),
            n => $"{n - beforeRestart} chunks since the restart; rejoins {connection.Rejoins}; {string.Join(" | ", logged)}");
        stop.Cancel();
        control.Join(TimeSpan.FromSeconds(5));

        Assert.True(connection.Rejoins >= 1, "the robot found the new node without joining afresh?");
        Assert.Contains(logged, l => l.Contains("joined the policy node afresh"));
        lock (held) Assert.False(held[^1].Held, "the last tick held although chunks come again");
        return;

        int HeldInARow()
        {
            lock (held) return held.AsEnumerable().Reverse().TakeWhile(h => h.Held).Count();
        }
    }
}
