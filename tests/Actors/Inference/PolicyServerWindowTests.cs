using Akka.Actor;
using RobotActors.Actors.Inference;
using RobotActors.Actors.Protocol;
using RobotActors.Datasets.Images;
using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Diffusion;
using RobotActors.Policies.Processors;
using TorchSharp;

namespace RobotActors.Actors.Tests.Inference;

/// <summary>
/// A policy with n_obs_steps = 2 served remotely: the robot sends its own window of observations, and the server
/// predicts from that window exactly what the policy predicts in-process from its own observation history.
/// </summary>
/// <remarks>
/// Both sides start from torch's global seed, so nothing else in the test run may draw from it meanwhile: the
/// collection runs on its own.
/// </remarks>
[Collection(TorchSeedCollection.Name)]
public sealed class PolicyServerWindowTests : IDisposable
{
    private const string Camera = "observation.images.front";
    private readonly TempDir _checkpoint = new();
    private readonly ActorSystem _system = ActorSystem.Create("window-test");

    public void Dispose()
    {
        _system.Terminate().Wait(TimeSpan.FromSeconds(10));
        _checkpoint.Dispose();
    }

    private string SaveDiffusion()
    {
        torch.manual_seed(3);
        var config = new DiffusionConfig
        {
            InputFeatures = { [PolicyKeys.ObservationState] = new(FeatureType.State, [4]), [Camera] = new(FeatureType.Visual, [3, 32, 32]) },
            OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [2]) },
            NObsSteps = 2, Horizon = 8, NActionSteps = 4, CropShape = [28, 28], PretrainedBackboneWeights = null, SpatialSoftmaxNumKeypoints = 8,
            DownDims = [16, 32], KernelSize = 3, NGroups = 4, DiffusionStepEmbedDim = 16, NumTrainTimesteps = 20, NumInferenceSteps = 5,
            NoiseSchedulerType = "DDIM",
        };
        var stats = new DatasetStats()
            .Set(PolicyKeys.ObservationState, "min", [-1, -1, -1, -1]).Set(PolicyKeys.ObservationState, "max", [1, 1, 1, 1])
            .Set(Camera, "mean", [0.5f, 0.5f, 0.5f]).Set(Camera, "std", [0.25f, 0.25f, 0.25f])
            .Set(PolicyKeys.Action, "min", [-10f, 0f]).Set(PolicyKeys.Action, "max", [10f, 5f]);
        using var policy = PolicyFactory.MakePolicy(config, stats);
        var (pre, post) = PolicyFactory.MakeProcessors(config, stats);
        policy.SavePretrained(_checkpoint.Path, pre, post);
        return _checkpoint.Path;
    }

    private static Observation Observation(int seed)
    {
        var pixels = new byte[32 * 32 * 3];
        new Random(seed).NextBytes(pixels);
        return new Observation(new Dictionary<string, float[]> { [PolicyKeys.ObservationState] = [0.3f * seed - 0.5f, 0.2f, -0.1f * seed, 0.4f] },
            new Dictionary<string, ImageFrame> { [Camera] = new(32, 32, 3, pixels) });
    }

    private static Dictionary<string, torch.Tensor> Batch(Observation o) => new AddBatchDimensionProcessorStep().Process(new EnvTransition
    {
        Observation = new Dictionary<string, torch.Tensor>
        {
            [PolicyKeys.ObservationState] = torch.tensor(o.State[PolicyKeys.ObservationState]),
            [Camera] = torch.tensor(o.Images[Camera].Pixels, [32, 32, 3]),
        },
    }).Observation;

    private async Task<float[]> Remote(IActorRef server, params Observation[] window)
    {
        torch.manual_seed(11); // the same starting noise as the local run below, so the only difference left is the observations
        var reply = await server.Ask<object>(new InferenceRequest("arm", 5, window, null, 0), TimeSpan.FromSeconds(30));
        return Assert.IsType<ActionChunkReply>(reply).Actions;
    }

    [Fact]
    public async Task The_server_predicts_from_the_window_the_robot_sends_as_the_policy_does_from_its_own_history()
    {
        var path = SaveDiffusion();
        var server = _system.ActorOf(PolicyServerActor.Props(path));
        var info = await server.Ask<PolicyServerInfo>(GetPolicyServerInfo.Instance, TimeSpan.FromSeconds(30));
        Assert.Equal(2, info.ObservationSteps);

        var (older, present) = (Observation(1), Observation(2));
        var remote = await Remote(server, older, present);

        // In-process, the policy's own history: the older observation first, then the present one with the same noise.
        var (policy, pre, post) = PolicyFactory.LoadPretrained(path);
        using var _ = policy;
        float[] local;
        using (var scope = torch.NewDisposeScope())
        {
            policy.Reset();
            policy.PredictActionChunk(pre!.ProcessBatch(Batch(older)));
            torch.manual_seed(11);
            local = post!.ProcessAction(policy.PredictActionChunk(pre.ProcessBatch(Batch(present)))).to(torch.ScalarType.Float32).contiguous().data<float>().ToArray();
        }
        Assert.Equal(local.Length, remote.Length);
        for (var i = 0; i < local.Length; i++) Assert.Equal(local[i], remote[i], 3);

        // The window is what the server used: the same present tick after another past gives another chunk.
        var otherPast = await Remote(server, Observation(7), present);
        Assert.True(remote.Zip(otherPast).Max(p => Math.Abs(p.Item1 - p.Item2)) > 1e-3, "the server ignored the older observation");
        // A window shorter than n_obs_steps (an episode's first tick) is padded with its oldest observation.
        Assert.Equal(await Remote(server, present, present), await Remote(server, present));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchSeedCollection
{
    public const string Name = "torch's global seed";
}
