using RobotActors.Policies.Configs;
using RobotActors.Policies.Networks;
using RobotActors.Policies.Sac;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Sac;

public class SacEncoderTests
{
    private static SacConfig ImageConfig(bool frozen, string? backbone = null, int size = 64) => new()
    {
        InputFeatures =
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [4]),
            ["observation.images.front"] = new(FeatureType.Visual, [3, size, size]),
            ["observation.images.wrist"] = new(FeatureType.Visual, [3, size, size]),
        },
        OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [3]) },
        NumDiscreteActions = 3,
        FreezeVisionEncoder = frozen,
        VisionEncoderName = backbone,
        LatentDim = 16,
        ImageEncoderHiddenDim = 8,
        CriticNetworkKwargs = new() { HiddenDims = [16] },
        ActorNetworkKwargs = new() { HiddenDims = [16] },
        DiscreteCriticNetworkKwargs = new() { HiddenDims = [16] },
    };

    private static Dictionary<string, byte[]> Snapshot(SacPolicy policy, string prefix) =>
        policy.StateDict().Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value.bytes.ToArray());

    private static void OneUpdate(SacPolicy policy, SacConfig config)
    {
        var optimizers = config.GetOptimizerPreset().Build(policy.GetOptimParams());
        var batch = SacBenchmarkBatch(config);
        policy.Update(() => batch, optimizers, 0);
    }

    private static SacBatch SacBenchmarkBatch(SacConfig config)
    {
        torch.manual_seed(4);
        Dictionary<string, Tensor> Obs() => config.InputFeatures.ToDictionary(kv => kv.Key,
            kv => torch.rand([4, .. kv.Value.Shape.Select(d => (long)d)]));
        var action = torch.cat([torch.rand(4, 2) * 2 - 1, torch.tensor(new float[] { 0, 1, 2, 1 }).unsqueeze(1)], 1);
        return new SacBatch(Obs(), action, torch.ones(4), torch.zeros(4), Obs(), torch.full(4, -0.1f));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_frozen_backbone_stays_fixed_while_the_spatial_embeddings_and_heads_learn(bool frozen)
    {
        torch.manual_seed(1);
        var config = ImageConfig(frozen);
        var policy = new SacPolicy(config);
        var backbone = Snapshot(policy, "encoder.image_encoder.");
        var spatial = Snapshot(policy, "encoder.spatial_embeddings.");
        Assert.NotEmpty(backbone);
        OneUpdate(policy, config);
        var after = Snapshot(policy, "encoder.image_encoder.");
        Assert.Equal(frozen, backbone.All(kv => kv.Value.SequenceEqual(after[kv.Key])));
        Assert.Contains(spatial, kv => !kv.Value.SequenceEqual(Snapshot(policy, "encoder.spatial_embeddings.")[kv.Key]));
    }

    [Fact]
    public void The_ResNet10_backbone_gives_a_512x4x4_map_at_128_pixels_and_trains_inside_sac()
    {
        torch.manual_seed(2);
        using (torch.no_grad())
            Assert.Equal(new long[] { 2, 512, 4, 4 }, new ResNet10Encoder(3).forward(torch.rand(2, 3, 128, 128)).shape);

        var config = ImageConfig(frozen: false, backbone: "resnet10");
        var policy = new SacPolicy(config);
        var before = Snapshot(policy, "encoder.image_encoder.");
        OneUpdate(policy, config);
        Assert.Contains(before, kv => !kv.Value.SequenceEqual(Snapshot(policy, "encoder.image_encoder.")[kv.Key]));
        var action = policy.SelectAction(SacBenchmarkBatch(config).Observation);
        Assert.Equal(new long[] { 4, 3 }, action.shape);
    }

    [Fact]
    public void The_pretrained_hub_backbone_name_is_refused_with_the_alternative()
    {
        var e = Assert.Throws<PolicyConfigException>(() => new SacPolicy(ImageConfig(frozen: true, backbone: SacConfig.PretrainedResNet10)));
        Assert.Contains("\"resnet10\"", e.Message);
    }

    [Fact]
    public void The_actor_step_leaves_a_shared_encoder_alone()
    {
        torch.manual_seed(3);
        var config = ImageConfig(frozen: true);
        config.SharedEncoder = true;
        var policy = new SacPolicy(config);
        var optimizers = config.GetOptimizerPreset().Build(policy.GetOptimParams());
        // The encoder is trained by the critic optimizer only; the actor's group must not hold it.
        var encoderParams = policy.Encoder.parameters().Select(p => p.Handle).ToHashSet();
        Assert.DoesNotContain(optimizers["actor"].Parameters, p => encoderParams.Contains(p.Handle));
        Assert.Contains(optimizers["critic"].Parameters, p => encoderParams.Contains(p.Handle));
    }

    [Fact]
    public void Separate_actor_and_critic_encoders_are_each_trained_by_their_own_losses()
    {
        torch.manual_seed(5);
        var config = ImageConfig(frozen: true);
        config.SharedEncoder = false;
        var policy = new SacPolicy(config);
        var actorEncoder = Snapshot(policy, "encoder_actor.spatial_embeddings.");
        var criticEncoder = Snapshot(policy, "encoder_critic.spatial_embeddings.");
        Assert.NotEmpty(actorEncoder);
        OneUpdate(policy, config);
        Assert.Contains(actorEncoder, kv => !kv.Value.SequenceEqual(Snapshot(policy, "encoder_actor.spatial_embeddings.")[kv.Key]));
        Assert.Contains(criticEncoder, kv => !kv.Value.SequenceEqual(Snapshot(policy, "encoder_critic.spatial_embeddings.")[kv.Key]));
    }

    [Fact]
    public void Feature_maps_cached_by_a_replay_buffer_give_exactly_the_update_of_running_the_frozen_backbone()
    {
        Dictionary<string, byte[]> Train(bool cached)
        {
            torch.manual_seed(6);
            var config = ImageConfig(frozen: true);
            var policy = new SacPolicy(config);
            var optimizers = config.GetOptimizerPreset().Build(policy.GetOptimParams());
            var batch = SacBenchmarkBatch(config);
            if (cached)
                batch = batch with
                {
                    ObservationFeatures = policy.CachedImageFeatures(batch.Observation),
                    NextObservationFeatures = policy.CachedImageFeatures(batch.NextObservation),
                };
            torch.manual_seed(7);
            policy.Update(() => batch, optimizers, 0);
            return policy.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.bytes.ToArray());
        }
        var direct = Train(cached: false);
        var fromCache = Train(cached: true);
        Assert.All(direct, kv => Assert.True(kv.Value.SequenceEqual(fromCache[kv.Key]), $"'{kv.Key}' differs"));

        var trained = new SacPolicy(ImageConfig(frozen: false));
        Assert.Throws<InvalidOperationException>(() => trained.CachedImageFeatures(SacBenchmarkBatch(ImageConfig(frozen: false)).Observation));
    }
}
