using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Sac;

namespace RobotActors.Policies.Tests.Configs;

public class PolicyConfigTests
{
    private const string LeRobotSacJson = """
    {
        "type": "sac",
        "n_obs_steps": 1,
        "input_features": {
            "observation.state": {"type": "STATE", "shape": [18]},
            "observation.images.front": {"type": "VISUAL", "shape": [3, 128, 128]}
        },
        "output_features": {"action": {"type": "ACTION", "shape": [4]}},
        "device": "cpu",
        "use_amp": false,
        "push_to_hub": false,
        "repo_id": null,
        "normalization_mapping": {"VISUAL": "MEAN_STD", "STATE": "MIN_MAX", "ENV": "MIN_MAX", "ACTION": "QUANTILES"},
        "num_discrete_actions": 3,
        "discount": 0.97,
        "utd_ratio": 2,
        "critic_network_kwargs": {"hidden_dims": [128, 128], "activate_final": true, "final_activation": null},
        "policy_kwargs": {"use_tanh_squash": true, "std_min": 1e-05, "std_max": 10.0, "init_final": 0.05}
    }
    """;

    [Fact]
    public void A_LeRobot_style_sac_config_json_is_read_by_its_type_tag_with_features_and_modes()
    {
        var config = Assert.IsType<SacConfig>(PreTrainedConfig.FromJson(LeRobotSacJson));

        Assert.Equal("sac", config.Type);
        Assert.Equal(new PolicyFeature(FeatureType.State, [18]), config.InputFeatures[PolicyKeys.ObservationState]);
        Assert.Equal(FeatureType.Visual, config.InputFeatures["observation.images.front"].Type);
        Assert.Equal(NormalizationMode.Quantiles, config.ModeFor(FeatureType.Action));
        Assert.Equal(3, config.NumDiscreteActions);
        Assert.Equal(0.97, config.Discount);
        Assert.Equal(new[] { 128, 128 }, config.CriticNetworkKwargs.HiddenDims);
        // As in LeRobot, output_features.action counts the continuous dimensions; the gripper index is one more.
        Assert.Equal(4, config.ToGaussianActorConfig().ContinuousActionDim);
        Assert.Equal(5, config.ToGaussianActorConfig().ExecutedActionDim);
        Assert.Equal(-2.5, config.ToGaussianActorConfig().DefaultTargetEntropy);
        Assert.Single(config.ImageFeatures);
    }

    [Fact]
    public void Saving_writes_the_type_first_and_LeRobot_field_names_and_reads_back_equal()
    {
        var config = (SacConfig)PreTrainedConfig.FromJson(LeRobotSacJson);
        var json = JsonNode.Parse(config.ToJson())!.AsObject();

        Assert.Equal("type", json.First().Key);
        Assert.Equal("sac", json["type"]!.GetValue<string>());
        foreach (var field in new[] { "n_obs_steps", "input_features", "output_features", "normalization_mapping", "device",
                     "pretrained_path", "critic_lr", "actor_lr", "temperature_lr", "critic_target_update_weight", "utd_ratio",
                     "num_discrete_actions", "freeze_vision_encoder", "shared_encoder", "policy_update_freq", "grad_clip_norm" })
            Assert.True(json.ContainsKey(field), $"config.json lacks '{field}'");
        Assert.Equal("MIN_MAX", json["normalization_mapping"]!["STATE"]!.GetValue<string>());
        Assert.Equal("VISUAL", json["input_features"]!["observation.images.front"]!["type"]!.GetValue<string>());

        var again = (SacConfig)PreTrainedConfig.FromJson(json.ToJsonString());
        Assert.Equal(config.ToJson(), again.ToJson());
    }

    [Fact]
    public void Dotted_overrides_set_nested_fields_with_json_values()
    {
        var config = (SacConfig)PreTrainedConfig.Create("sac", new Dictionary<string, string>
        {
            ["actor_lr"] = "1e-4",
            ["critic_network_kwargs.hidden_dims"] = "[32,16]",
            ["device"] = "cpu",
        });
        Assert.Equal(1e-4, config.ActorLr);
        Assert.Equal(new[] { 32, 16 }, config.CriticNetworkKwargs.HiddenDims);
        Assert.True(config.CriticNetworkKwargs.ActivateFinal);
    }

    [Fact]
    public void Unknown_types_and_fields_are_refused_with_the_known_names()
    {
        var unknownType = Assert.Throws<PolicyConfigException>(() => PreTrainedConfig.FromJson("""{"type": "nope"}"""));
        Assert.Contains("unknown policy type 'nope'", unknownType.Message);
        Assert.Contains("sac", unknownType.Message);

        var missingType = Assert.Throws<PolicyConfigException>(() => PreTrainedConfig.FromJson("""{"discount": 0.9}"""));
        Assert.Contains("missing 'type'", missingType.Message);

        var unknownField = Assert.Throws<PolicyConfigException>(() => PreTrainedConfig.FromJson("""{"type": "sac", "discuont": 0.9}"""));
        Assert.Contains("discuont", unknownField.Message);
    }

    [Fact]
    public void Feature_validation_names_the_problem()
    {
        var noAction = new SacConfig { InputFeatures = { [PolicyKeys.ObservationState] = new(FeatureType.State, [4]) } };
        Assert.Contains("needs an ACTION feature named 'action'", Assert.Throws<PolicyConfigException>(noAction.ValidateFeatures).Message);

        var flatImage = new SacConfig
        {
            InputFeatures = { ["observation.images.top"] = new(FeatureType.Visual, [128, 128]) },
            OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [2]) },
        };
        Assert.Contains("channel-first", Assert.Throws<PolicyConfigException>(flatImage.ValidateFeatures).Message);

        var noInputs = new SacConfig { OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [2]) } };
        Assert.Contains("observation.state", Assert.Throws<PolicyConfigException>(noInputs.ValidateFeatures).Message);
    }

    [Fact]
    public void The_sac_optimizer_preset_is_one_adam_per_group_with_the_group_learning_rates()
    {
        var config = new SacConfig { ActorLr = 1e-4, CriticLr = 2e-4, TemperatureLr = 5e-4 };
        var preset = Assert.IsType<MultiAdamConfig>(config.GetOptimizerPreset());
        Assert.Equal(1e-4, preset.OptimizerGroups["actor"].Lr);
        Assert.Equal(2e-4, preset.OptimizerGroups["critic"].Lr);
        Assert.Equal(5e-4, preset.OptimizerGroups["temperature"].Lr);
        Assert.Equal(40.0, preset.GradClipNorm);
    }

    [Fact]
    public void Cosine_decay_with_warmup_follows_LeRobot_formula()
    {
        var s = new CosineDecayWithWarmupSchedulerConfig { NumWarmupSteps = 10, NumDecaySteps = 100, PeakLr = 1e-3, DecayLr = 1e-4 };
        Assert.Equal(1.0 / 11, s.Factor(0, 1000), 9);
        Assert.Equal((1.0 / 11 - 1) * 0.5 + 1, s.Factor(5, 1000), 9);
        Assert.Equal(0.9 * 0.5 * (1 + Math.Cos(Math.PI * 0.5)) + 0.1, s.Factor(50, 1000), 9);
        Assert.Equal(0.1, s.Factor(500, 1000), 9);
        // A run shorter than the decay scales warmup and decay down with it.
        Assert.Equal(0.1, s.Factor(50, 50), 9);
    }
}
