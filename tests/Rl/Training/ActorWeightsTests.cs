using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.SafeTensors;
using RobotActors.Rl.Algorithms.Sac;
using RobotActors.Rl.Tests.Sac;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Training;

public class ActorWeightsTests
{
    private const string Camera = "observation.images.top";

    private static GaussianActorConfig CameraPolicy(bool frozen = true)
    {
        var config = SacAlgorithmTests.SmallPolicy();
        config.InputFeatures[Camera] = new(FeatureType.Visual, [3, 40, 40]);
        config.ImageEncoderHiddenDim = 4;
        config.FreezeVisionEncoder = frozen;
        return config;
    }

    private static Dictionary<string, Tensor> Observations()
    {
        torch.manual_seed(99);
        return new() { [PolicyKeys.ObservationState] = torch.randn(6, 4), [Camera] = torch.rand(6, 3, 40, 40) };
    }

    private static byte[] Act(GaussianActorPolicy policy, bool deterministic, int seed = 5)
    {
        policy.eval();
        policy.DeterministicActions = deterministic;
        torch.manual_seed(seed);
        return policy.SelectAction(Observations()).bytes.ToArray();
    }

    [Fact]
    public void A_replica_that_loads_the_learners_weights_acts_exactly_as_the_learner_and_gets_no_critic()
    {
        torch.manual_seed(2);
        var learnerPolicy = new GaussianActorPolicy(CameraPolicy());
        var algorithm = new SacAlgorithm(learnerPolicy, SacAlgorithmTests.SmallAlgorithm());
        algorithm.MakeOptimizers();
        torch.manual_seed(3);
        var replica = new GaussianActorPolicy(CameraPolicy());
        Assert.NotEqual(Act(learnerPolicy, true), Act(replica, true));

        var full = ActorWeights.Export(learnerPolicy, version: 1);
        var payload = SafeTensorsFile.Parse(full);
        Assert.All(payload.Tensors.Keys, k => Assert.True(k.StartsWith("actor.") || k.StartsWith("discrete_critic."), $"'{k}' should not be pushed"));
        Assert.Contains("actor.encoder.image_encoder.image_enc_layers.0.weight", payload.Tensors.Keys);
        Assert.Contains("discrete_critic.output_layer.weight", payload.Tensors.Keys);
        Assert.Equal(1, ActorWeights.Import(replica, full));
        Assert.Equal(Act(learnerPolicy, true), Act(replica, true));
        Assert.Equal(Act(learnerPolicy, false), Act(replica, false));

        // The learner trains on; the next push leaves the frozen backbone out and the replica still matches.
        for (var i = 0; i < 3; i++) algorithm.Update(() => SacBenchmark.RandomBatch(CameraPolicy(), 4, continuousActions: 2));
        Assert.NotEqual(Act(learnerPolicy, true), Act(replica, true));
        var light = ActorWeights.Export(learnerPolicy, version: 2, includeFrozenBackbone: false);
        Assert.True(light.Length < full.Length);
        Assert.DoesNotContain(SafeTensorsFile.Parse(light).Tensors.Keys, k => k.Contains("image_enc_layers"));
        Assert.Equal(2, ActorWeights.ReadVersion(light));
        Assert.Equal(2, ActorWeights.Import(replica, light));
        Assert.Equal(Act(learnerPolicy, true), Act(replica, true));
        Assert.Equal(Act(learnerPolicy, false), Act(replica, false));
    }

    [Fact]
    public void A_payload_without_the_backbone_is_refused_by_a_replica_whose_backbone_differs_and_a_wrong_payload_changes_nothing()
    {
        torch.manual_seed(4);
        var learner = new GaussianActorPolicy(CameraPolicy());
        torch.manual_seed(5);
        var fresh = new GaussianActorPolicy(CameraPolicy());
        var before = Act(fresh, true);
        var e = Assert.Throws<FrozenBackboneMismatchException>(() => ActorWeights.Import(fresh, ActorWeights.Export(learner, 7, includeFrozenBackbone: false)));
        Assert.Equal(7, e.Version);
        Assert.Equal(before, Act(fresh, true));

        var other = CameraPolicy();
        other.LatentDim = 8;
        Assert.Contains("shape", Assert.Throws<InvalidDataException>(() => ActorWeights.Import(fresh, ActorWeights.Export(new GaussianActorPolicy(other), 8))).Message);
        Assert.Equal(before, Act(fresh, true));

        // A trained backbone is always sent.
        var trained = new GaussianActorPolicy(CameraPolicy(frozen: false));
        Assert.Contains(SafeTensorsFile.Parse(ActorWeights.Export(trained, 9, includeFrozenBackbone: false)).Tensors.Keys, k => k.Contains("image_enc_layers"));
    }
}
