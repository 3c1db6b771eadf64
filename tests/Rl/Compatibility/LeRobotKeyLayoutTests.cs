using System.Text.Json.Nodes;
using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.RewardClassifier;
using RobotActors.Policies.Sac;
using RobotActors.Policies.SafeTensors;
using RobotActors.Rl.Algorithms.Sac;

namespace RobotActors.Rl.Tests.Compatibility;

/// <summary>
/// model.safetensors keys and shapes against LeRobot's, for the default configs (latent_dim 256, hidden
/// [256, 256], image_encoder_hidden_dim 32, image_embedding_pooling_dim 8, 2 critics) with the feature set of
/// LeRobot's HIL-SERL examples: observation.state [18], two 3×128×128 cameras, a 3-D continuous action and
/// a 3-way gripper. The lists are derived by hand from huggingface/lerobot:
/// <list type="bullet">
/// <item>src/lerobot/policies/gaussian_actor/modeling_gaussian_actor.py ([HEAD]): GaussianActorPolicy registers
///   encoder_critic, encoder_actor, actor (Policy: encoder, network = MLP(net = nn.Sequential of Linear, LayerNorm,
///   SiLU per layer), mean_layer, std_layer) and discrete_critic (DiscreteCritic: encoder, net = MLP, output_layer);
///   GaussianActorObservationEncoder has image_encoder (DefaultImageEncoder.image_enc_layers = Conv, ReLU ×4),
///   spatial_embeddings[camera].kernel [C, h, w, F], post_encoders[camera] = (Dropout, Linear, LayerNorm, Tanh),
///   env_encoder and state_encoder = (Linear, LayerNorm, Tanh).</item>
/// <item>src/lerobot/rl/algorithms/sac/sac_algorithm.py ([HEAD]): state_dict() = critic_ensemble.* and critic_target.*
///   (CriticEnsemble.critics[i] = CriticHead: net = MLP, output_layer), discrete_critic_target.*, log_alpha, with
///   every "encoder." key stripped; written to algorithm/model.safetensors.</item>
/// <item>src/lerobot/policies/sac/modeling_sac.py (v0.5): SACPolicy holds all of the above in one module.</item>
/// <item>PreTrainedPolicy._save_pretrained writes with safetensors.torch.save_model, which keeps one name per
///   shared tensor — the first in sorted order: the shared encoder is saved once, as "actor.encoder.*".</item>
/// <item>src/lerobot/rewards/classifier/modeling_classifier.py: encoder (backbone), encoders[camera] = nn.Sequential(
///   encoder, SpatialLearnedEmbeddings, Dropout, Linear, LayerNorm, Tanh) (index 0 is the shared backbone, saved as
///   encoder.*), classifier_head = (Linear, Dropout, LayerNorm, ReLU, Linear).</item>
/// </list>
/// Shapes: the 4-conv CNN maps 128 px to 6×6 (7/5/3/3 kernels, stride 2, no padding); each camera's latent and the
/// state's are 256 wide, so the encoder gives 768; a critic reads 768 + 3.
/// </summary>
public class LeRobotKeyLayoutTests
{
    private static readonly string[] Cameras = ["observation.images.front", "observation.images.wrist"];

    private static void HilSerlFeatures(PreTrainedConfig config)
    {
        config.InputFeatures = new() { [PolicyKeys.ObservationState] = new(FeatureType.State, [18]) };
        foreach (var camera in Cameras) config.InputFeatures[camera] = new(FeatureType.Visual, [3, 128, 128]);
        config.OutputFeatures = new() { [PolicyKeys.Action] = new(FeatureType.Action, [3]) };
    }

    private static IEnumerable<(string, long[])> Linear(string prefix, long output, long input) =>
        [($"{prefix}.weight", [output, input]), ($"{prefix}.bias", [output])];

    private static IEnumerable<(string, long[])> LayerNorm(string prefix, long size) =>
        [($"{prefix}.weight", [size]), ($"{prefix}.bias", [size])];

    /// <summary>LeRobot's MLP(input, [256, 256], activate_final=True): net.0 Linear, net.1 LayerNorm, net.2 SiLU, net.3 Linear, net.4 LayerNorm, net.5 SiLU.</summary>
    private static IEnumerable<(string, long[])> Mlp(string prefix, long input) =>
        Linear($"{prefix}.net.0", 256, input).Concat(LayerNorm($"{prefix}.net.1", 256)).Concat(Linear($"{prefix}.net.3", 256, 256)).Concat(LayerNorm($"{prefix}.net.4", 256));

    private static IEnumerable<(string, long[])> Encoder(string prefix)
    {
        var layers = new (int Index, long In, int Kernel)[] { (0, 3, 7), (2, 32, 5), (4, 32, 3), (6, 32, 3) };
        foreach (var (i, input, k) in layers)
        {
            yield return ($"{prefix}.image_encoder.image_enc_layers.{i}.weight", [32, input, k, k]);
            yield return ($"{prefix}.image_encoder.image_enc_layers.{i}.bias", [32]);
        }
        foreach (var camera in Cameras.Select(c => c.Replace('.', '_')))
        {
            yield return ($"{prefix}.spatial_embeddings.{camera}.kernel", [32, 6, 6, 8]);
            foreach (var e in Linear($"{prefix}.post_encoders.{camera}.1", 256, 32 * 8).Concat(LayerNorm($"{prefix}.post_encoders.{camera}.2", 256))) yield return e;
        }
        foreach (var e in Linear($"{prefix}.state_encoder.0", 256, 18).Concat(LayerNorm($"{prefix}.state_encoder.1", 256))) yield return e;
    }

    private static Dictionary<string, long[]> GaussianActorKeys() =>
        Encoder("actor.encoder")
            .Concat(Mlp("actor.network", 768)).Concat(Linear("actor.mean_layer", 3, 256)).Concat(Linear("actor.std_layer", 3, 256))
            .Concat(Mlp("discrete_critic.net", 768)).Concat(Linear("discrete_critic.output_layer", 3, 256))
            .ToDictionary(e => e.Item1, e => e.Item2);

    private static Dictionary<string, long[]> AlgorithmKeys()
    {
        var keys = new List<(string, long[])>();
        foreach (var ensemble in new[] { "critic_ensemble", "critic_target" })
            for (var i = 0; i < 2; i++)
                keys.AddRange(Mlp($"{ensemble}.critics.{i}.net", 768 + 3).Concat(Linear($"{ensemble}.critics.{i}.output_layer", 1, 256)));
        keys.AddRange(Mlp("discrete_critic_target.net", 768).Concat(Linear("discrete_critic_target.output_layer", 3, 256)));
        keys.Add(("log_alpha", [1]));
        return keys.ToDictionary(e => e.Item1, e => e.Item2);
    }

    private static void AssertLayout(Dictionary<string, long[]> expected, IReadOnlyDictionary<string, long[]> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, kv => Assert.True(kv.Value.SequenceEqual(actual[kv.Key]), $"'{kv.Key}' is [{string.Join(", ", actual[kv.Key])}], LeRobot's is [{string.Join(", ", kv.Value)}]"));
    }

    private static Dictionary<string, long[]> Saved(PreTrainedPolicy policy)
    {
        var dir = Directory.CreateTempSubdirectory("layout-").FullName;
        try
        {
            policy.SavePretrained(dir);
            return SafeTensorsFile.Read(Path.Combine(dir, PreTrainedPolicy.ModelFileName)).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.Shape);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_gaussian_actor_policy_and_the_SAC_algorithm_state_are_keyed_and_shaped_as_LeRobots()
    {
        var config = new GaussianActorConfig { NumDiscreteActions = 3 };
        HilSerlFeatures(config);
        var policy = new GaussianActorPolicy(config);
        AssertLayout(GaussianActorKeys(), Saved(policy));
        var algorithm = new SacAlgorithm(policy, SacAlgorithmConfig.FromPolicyConfig(config));
        AssertLayout(AlgorithmKeys(), algorithm.AlgorithmStateDict().ToDictionary(kv => kv.Key, kv => kv.Value.shape));
    }

    [Fact]
    public void The_v05_sac_policy_saves_the_whole_SACPolicy_as_LeRobot_v05()
    {
        var config = new SacConfig { NumDiscreteActions = 3 };
        HilSerlFeatures(config);
        var expected = GaussianActorKeys().Concat(AlgorithmKeys()).ToDictionary();
        AssertLayout(expected, Saved(new SacPolicy(config)));
    }

    [Fact]
    public void The_default_state_only_gaussian_actor_has_no_discrete_critic_and_a_separate_critic_encoder_keeps_LeRobots_name()
    {
        var config = new GaussianActorConfig
        {
            InputFeatures = { [PolicyKeys.ObservationState] = new(FeatureType.State, [18]) },
            OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [4]) },
        };
        var expected = Linear("actor.encoder.state_encoder.0", 256, 18).Concat(LayerNorm("actor.encoder.state_encoder.1", 256))
            .Concat(Mlp("actor.network", 256)).Concat(Linear("actor.mean_layer", 4, 256)).Concat(Linear("actor.std_layer", 4, 256))
            .ToDictionary(e => e.Item1, e => e.Item2);
        AssertLayout(expected, Saved(new GaussianActorPolicy(config)));

        // shared_encoder=false: encoder_critic is saved under its own name (LeRobot: sorted first of encoder_critic, discrete_critic.encoder).
        config.SharedEncoder = false;
        var separate = Saved(new GaussianActorPolicy(config));
        Assert.Contains("encoder_critic.state_encoder.0.weight", separate.Keys);
        config.NumDiscreteActions = 3;
        Assert.Contains("discrete_critic.encoder.state_encoder.0.weight", Saved(new GaussianActorPolicy(config)).Keys);
    }

    [Fact]
    public void The_reward_classifier_is_keyed_as_LeRobots_Classifier()
    {
        var config = new RewardClassifierConfig();
        foreach (var camera in Cameras) config.InputFeatures[camera] = new(FeatureType.Visual, [3, 128, 128]);
        // LeRobot's backbone is the pretrained ResNet-10 (HF keys under encoder.*, 512 channels at 4×4); here it is the
        // built-in CNN, under the same encoder.* prefix, so the per-camera kernels are [32, 6, 6, 8].
        var expected = new List<(string, long[])>();
        foreach (var (i, input, k) in new (int, long, int)[] { (0, 3, 7), (2, 32, 5), (4, 32, 3), (6, 32, 3) })
            expected.AddRange([($"encoder.image_enc_layers.{i}.weight", [32, input, k, k]), ($"encoder.image_enc_layers.{i}.bias", [32])]);
        foreach (var camera in Cameras.Select(c => c.Replace('.', '_')))
        {
            expected.Add(($"encoders.{camera}.1.kernel", [32, 6, 6, 8]));
            expected.AddRange(Linear($"encoders.{camera}.3", 256, 32 * 8).Concat(LayerNorm($"encoders.{camera}.4", 256)));
        }
        expected.AddRange(Linear("classifier_head.0", 256, 512).Concat(LayerNorm("classifier_head.2", 256)).Concat(Linear("classifier_head.4", 1, 256)));
        AssertLayout(expected.ToDictionary(e => e.Item1, e => e.Item2), Saved(new RewardClassifierPolicy(config)));
        // [HEAD] reward-model configs carry their name.
        Assert.IsType<RewardClassifierConfig>(PreTrainedConfig.FromJson("""{"type": "reward_classifier", "name": "reward_classifier", "num_classes": 2, "num_cameras": 2}"""));
    }

    /// <summary>
    /// LeRobot's GaussianActorConfig fields ([HEAD] configuration_gaussian_actor.py) beyond PreTrainedConfig's, and
    /// SACAlgorithmConfig's (rl/algorithms/sac/configuration_sac.py; policy_config is filled in at run time).
    /// </summary>
    [Fact]
    public void Config_json_holds_LeRobots_fields_and_a_LeRobot_written_gaussian_actor_config_loads()
    {
        var baseFields = JsonNode.Parse(new SacConfig().ToJson())!.AsObject().Select(kv => kv.Key)
            .Intersect(JsonNode.Parse(new RewardClassifierConfig().ToJson())!.AsObject().Select(kv => kv.Key)).ToHashSet();
        var json = JsonNode.Parse(new GaussianActorConfig().ToJson())!.AsObject();
        string[] lerobot = ["dataset_stats", "storage_device", "vision_encoder_name", "freeze_vision_encoder", "image_encoder_hidden_dim", "shared_encoder",
            "num_discrete_actions", "image_embedding_pooling_dim", "state_encoder_hidden_dim", "latent_dim", "online_steps", "online_buffer_capacity",
            "offline_buffer_capacity", "async_prefetch", "online_step_before_learning", "actor_learner_config", "concurrency", "actor_network_kwargs",
            "policy_kwargs", "discrete_critic_network_kwargs"];
        Assert.Equal(lerobot.Order(), json.Select(kv => kv.Key).Where(k => !baseFields.Contains(k) || lerobot.Contains(k)).Order());
        Assert.Equal(["activate_final", "hidden_dims"], json["actor_network_kwargs"]!.AsObject().Select(kv => kv.Key).Order());
        Assert.Equal(["activate_final", "final_activation", "hidden_dims"], json["discrete_critic_network_kwargs"]!.AsObject().Select(kv => kv.Key).Order());
        Assert.Equal(["init_final", "std_max", "std_min", "use_tanh_squash"], json["policy_kwargs"]!.AsObject().Select(kv => kv.Key).Order());
        Assert.Equal(["actor", "learner", "multiprocessing_context"], json["concurrency"]!.AsObject().Select(kv => kv.Key).Order());
        Assert.Equal(["learner_host", "learner_port", "policy_parameters_push_frequency", "queue_get_timeout"], json["actor_learner_config"]!.AsObject().Select(kv => kv.Key).Order());

        string[] algorithm = ["actor_lr", "critic_lr", "temperature_lr", "discount", "use_backup_entropy", "critic_target_update_weight", "num_critics",
            "num_subsample_critics", "critic_network_kwargs", "discrete_critic_network_kwargs", "temperature_init", "target_entropy", "utd_ratio",
            "policy_update_freq", "grad_clip_norm", "use_torch_compile"];
        var algorithmJson = new SacAlgorithmConfig().ToJsonObject();
        Assert.Equal("type", algorithmJson.First().Key);
        Assert.Equal(algorithm.Order(), algorithmJson.Select(kv => kv.Key).Where(k => k != "type").Order());

        const string written = """
        {
            "type": "gaussian_actor", "n_obs_steps": 1,
            "input_features": {"observation.state": {"type": "STATE", "shape": [18]}, "observation.images.front": {"type": "VISUAL", "shape": [3, 128, 128]}},
            "output_features": {"action": {"type": "ACTION", "shape": [3]}},
            "device": "cpu", "use_amp": false, "push_to_hub": true, "repo_id": null, "private": null, "tags": null, "license": null,
            "pretrained_path": null,
            "normalization_mapping": {"VISUAL": "MEAN_STD", "STATE": "MIN_MAX", "ENV": "MIN_MAX", "ACTION": "MIN_MAX"},
            "dataset_stats": {"observation.image": {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}},
            "storage_device": "cpu", "vision_encoder_name": null, "freeze_vision_encoder": false, "image_encoder_hidden_dim": 32,
            "shared_encoder": true, "num_discrete_actions": 3, "image_embedding_pooling_dim": 8, "state_encoder_hidden_dim": 256,
            "latent_dim": 64, "online_steps": 1000000, "online_buffer_capacity": 30000, "offline_buffer_capacity": 10000,
            "async_prefetch": false, "online_step_before_learning": 100,
            "actor_learner_config": {"learner_host": "127.0.0.1", "learner_port": 50051, "policy_parameters_push_frequency": 4, "queue_get_timeout": 2},
            "concurrency": {"actor": "threads", "learner": "threads", "multiprocessing_context": "spawn"},
            "actor_network_kwargs": {"hidden_dims": [256, 256], "activate_final": true},
            "policy_kwargs": {"use_tanh_squash": true, "std_min": 1e-05, "std_max": 5.0, "init_final": 0.05},
            "discrete_critic_network_kwargs": {"hidden_dims": [256, 256], "activate_final": true, "final_activation": null}
        }
        """;
        var config = Assert.IsType<GaussianActorConfig>(PreTrainedConfig.FromJson(written));
        Assert.Equal((3, 4, 64, 5.0), (config.ContinuousActionDim, config.ExecutedActionDim, config.LatentDim, config.PolicyKwargs.StdMax));
        Assert.Equal(4, new GaussianActorPolicy(config).SelectAction(new Dictionary<string, TorchSharp.torch.Tensor>
        {
            [PolicyKeys.ObservationState] = TorchSharp.torch.zeros(1, 18), ["observation.images.front"] = TorchSharp.torch.zeros(1, 3, 128, 128),
        }).shape[1]);
    }
}
