using System.Collections.Concurrent;
using Akka.Actor;
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
using Xunit.Abstractions;
using static RobotActors.Actors.Tests.Transitions.LoopbackCluster;

namespace RobotActors.Actors.Tests.Inference;

/// <summary>
/// Async inference across two nodes on loopback: a policy node serving a small ACT, a robot node whose control
/// thread asks for chunks through the cluster (observations and chunks as bytes through the binary serializer) and
/// then loses the policy node. Ticks are 50 ms here and the next chunk is asked for with 30 ticks left, so an answer has 1.5 s to come even on a loaded CI machine.
/// </summary>
public sealed class RemotePolicyTests(ITestOutputHelper log) : IDisposable
{
    private const int Chunk = 40;
    private const string Camera = "observation.images.front";
    private readonly TempDir _policyDir = new(), _robotDir = new(), _checkpoint = new();

    public void Dispose()
    {
        _policyDir.Dispose();
        _robotDir.Dispose();
        _checkpoint.Dispose();
    }

    /// <summary>A seeded ACT with one 32×32 camera and a 4-D state predicting 40 steps of 3-D actions, saved as `train` saves it.</summary>
    private string SaveAct()
    {
        torch.manual_seed(7);
        var config = new ActConfig
        {
            InputFeatures = { [PolicyKeys.ObservationState] = new(FeatureType.State, [4]), [Camera] = new(FeatureType.Visual, [3, 32, 32]) },
            OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [3]) },
            ChunkSize = Chunk, NActionSteps = Chunk, DimModel = 32, NHeads = 4, DimFeedforward = 64, NEncoderLayers = 1, NDecoderLayers = 1,
            NVaeEncoderLayers = 1, LatentDim = 8, PretrainedBackboneWeights = null,
        };
        var stats = new DatasetStats()
            .Set(PolicyKeys.ObservationState, "mean", [0, 0, 0, 0]).Set(PolicyKeys.ObservationState, "std", [1, 1, 1, 1])
            .Set(Camera, "mean", [0.5f, 0.5f, 0.5f]).Set(Camera, "std", [0.25f, 0.25f, 0.25f])
            .Set(PolicyKeys.Action, "mean", [10f, -5f, 0f]).Set(PolicyKeys.Action, "std", [2f, 2f, 2f]);
        using var policy = PolicyFactory.MakePolicy(config, stats);
        var (pre, post) = PolicyFactory.MakeProcessors(config, stats);
        policy.SavePretrained(_checkpoint.Path, pre, post);
        return _checkpoint.Path;
    }

    private static EnvObservation Observation(int seed)
    {
        var pixels = new byte[32 * 32 * 3];
        new Random(seed).NextBytes(pixels);
        return new EnvObservation
        {
            State = [0.1f * seed, -0.2f, 0.3f, 0.4f], Images = new Dictionary<string, ImageFrame> { [Camera] = new(32, 32, 3, pixels) },
            Joints = new Dictionary<string, double>(),
        };
    }

    /// <summary>What the same checkpoint predicts in this process for an observation: the reference the remote chunk must equal.</summary>
    private static float[] LocalChunk(string path, EnvObservation o)
    {
        var (policy, pre, post) = PolicyFactory.LoadPretrained(path);
        using var _ = policy;
        using var scope = torch.NewDisposeScope();
        var batch = new AddBatchDimensionProcessorStep().Process(new EnvTransition
        {
            Observation = new Dictionary<string, torch.Tensor>
            {
                [PolicyKeys.ObservationState] = torch.tensor(o.State),
                [Camera] = torch.tensor(o.Images[Camera].Pixels, [32, 32, 3]),
            },
        }).Observation;
        var chunk = post!.ProcessAction(policy.PredictActionChunk(pre!.ProcessBatch(batch)));
        return chunk.to(torch.ScalarType.Float32).contiguous().data<float>().ToArray();
    }

    private sealed record Tick(long Index, bool Held, bool AfterKill, int ChunksSoFar);

    [Fact]
    public async Task The_robot_runs_on_chunks_from_the_policy_node_and_holds_within_a_tick_of_its_queue_running_dry_once_that_node_is_gone()
    {
        var checkpoint = SaveAct();
        var policyNode = await StartAsync(_policyDir.Path, "\"policy\"", extra: $"robotactors.inference.policy-path = \"{checkpoint}\"");
        await using var robotNode = await StartAsync(_robotDir.Path, "\"rollout\"", seed: policyNode);
        await WaitForMembersAsync(robotNode, 2);

        var chunks = new ConcurrentQueue<TimedChunk>();
        RemoteChunkPolicy? remote = null;
        var client = robotNode.System.ActorOf(InferenceClientActor.Props("arm-1", c =>
        {
            chunks.Enqueue(c);
            remote!.Deliver(c);
        }), "inference");
        remote = new RemoteChunkPolicy(new ActorChunkRequester(client), "remote act", chunkSizeThreshold: 0.75, requestTimeoutTicks: 20);
        var info = await client.Ask<PolicyServerInfo>(AwaitPolicyServer.Instance, TimeSpan.FromSeconds(20));
        Assert.Null(info.Failure);
        Assert.Equal(("act", 3, Chunk), (info.PolicyType, info.ActionDim, info.ChunkSize));
        Assert.Equal([3, 32, 32], info.InputFeatures[Camera].Shape);

        // The control thread: one tick every 50 ms; it kills the policy node itself once it has run on several chunks.
        var ticks = new List<Tick>();
        var executed = new List<(long Tick, float[] Action)>();
        var killed = false;
        var control = new Thread(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (long t = 0; t < 400; t++)
            {
                var action = remote.Next(t, Observation((int)(t % 7)));
                ticks.Add(new Tick(t, action is null, killed, chunks.Count));
                if (action is not null) executed.Add((t, action));
                if (!killed && chunks.Count >= 6)
                {
                    killed = true;
                    _ = policyNode.System.Terminate(); // the node is gone: no leave, no goodbye
                }
                if (killed && ticks.Count(k => k.AfterKill && k.Held) >= 10) break;
                var next = TimeSpan.FromMilliseconds(50 * (t + 1));
                if (next > clock.Elapsed) Thread.Sleep(next - clock.Elapsed);
            }
        }) { IsBackground = true };
        control.Start();
        control.Join(TimeSpan.FromSeconds(20));
        var figures = remote.Figures;
        log.WriteLine($"{ticks.Count} ticks, {figures}");
        Assert.True(killed, $"only {chunks.Count} chunks arrived in {ticks.Count} ticks: {figures}");

        // Before the kill: after the first chunk, every tick had an action (overlapping chunks, no idling between them).
        var firstAction = ticks.FindIndex(k => !k.Held);
        Assert.InRange(firstAction, 1, 30);
        var beforeKill = ticks.Skip(firstAction).TakeWhile(k => !k.AfterKill).ToList();
        Assert.All(beforeKill, k => Assert.False(k.Held, $"tick {k.Index} held while the policy node was up"));
        Assert.True(figures.BlendedActions > 0, "chunks did not overlap");

        // After the kill (the node's last answers may still arrive while it shuts down): what was queued is executed,
        // then the arm holds from the very tick after the last planned action, and never acts again.
        var afterKill = ticks.Where(k => k.AfterKill).ToList();
        var ran = afterKill.TakeWhile(k => !k.Held).Count();
        Assert.True(ran >= 1, "nothing queued was executed after the kill");
        Assert.All(afterKill.Skip(ran), k => Assert.True(k.Held, $"tick {k.Index} acted again after the queue ran dry"));
        var lastPlanned = chunks.Max(c => c.LastTimestep);
        Assert.Equal(lastPlanned, executed[^1].Tick);
        Assert.Equal(lastPlanned + 1, afterKill.Skip(ran).First().Index);
        var lastArrival = ticks.First(k => k.ChunksSoFar == chunks.Count).Index;
        Assert.InRange(lastPlanned - lastArrival, 0, Chunk);                // it ran at most one chunk past the last answer

        // The bytes crossed whole: the first chunk is what this checkpoint predicts locally for that tick's observation.
        var first = chunks.First();
        var local = LocalChunk(checkpoint, Observation((int)(first.Timestep % 7)));
        Assert.Equal(local.Length, first.Actions.Sum(a => a.Length));
        var remoteValues = first.Actions.SelectMany(a => a).ToArray();
        for (var i = 0; i < local.Length; i++) Assert.Equal(local[i], remoteValues[i], 4);

        // The client notices the loss (so it stops sending) once the node's death is known.
        await EventuallyAsync(() => client.Ask<InferenceClientStatus>(GetInferenceClientStatus.Instance, TimeSpan.FromSeconds(5)),
            s => s.Server is null, TimeSpan.FromSeconds(15), s => $"still using {s.Server}");
    }
}
