using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Vqbet;

namespace RobotActors.Policies.Tests.Vqbet;

public class VqbetConfigTests
{
    [Fact]
    public void A_config_with_two_cameras_is_refused_before_training_naming_the_field_and_the_rule()
    {
        var e = Assert.Throws<PolicyConfigException>(() => PolicyFactory.Make(new VqbetConfig(), new Dictionary<string, PolicyFeature>
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [6]),
            ["observation.images.front"] = new(FeatureType.Visual, [3, 96, 96]),
            ["observation.images.wrist"] = new(FeatureType.Visual, [3, 96, 96]),
            [PolicyKeys.Action] = new(FeatureType.Action, [6]),
        }, null));
        Assert.Equal("vqbet: input_features has 2 cameras (observation.images.front, observation.images.wrist); " +
                     "VQ-BeT supports exactly one image input, so keep one camera (e.g. rename or drop the others)", e.Message);
    }

    [Theory]
    [InlineData("crop_shape", "[100,100]", "crop_shape [100, 100] does not fit in 'observation.images.front' [3, 96, 96]")]
    [InlineData("gpt_block_size", "10", "gpt_block_size=10 is smaller than the 17 GPT tokens")]
    [InlineData("gpt_n_head", "7", "gpt_hidden_dim=512 must be divisible by gpt_n_head=7")]
    public void Settings_that_cannot_work_are_refused_naming_the_field_and_the_rule(string field, string value, string message)
    {
        var config = (VqbetConfig)PreTrainedConfig.Create("vqbet", [KeyValuePair.Create(field, value)]);
        var e = Assert.Throws<PolicyConfigException>(() => PolicyFactory.Make(config, new Dictionary<string, PolicyFeature>
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [6]),
            ["observation.images.front"] = new(FeatureType.Visual, [3, 96, 96]),
            [PolicyKeys.Action] = new(FeatureType.Action, [6]),
        }, null));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Defaults_and_delta_indices_are_LeRobots()
    {
        var config = new VqbetConfig();
        Assert.Equal(5, config.NObsSteps);
        Assert.Equal([-4, -3, -2, -1, 0], config.ObservationDeltaIndices!);
        Assert.Equal(Enumerable.Range(-4, 11), config.ActionDeltaIndices!);
        var adam = Assert.IsType<AdamConfig>(config.GetOptimizerPreset());
        Assert.Equal((1e-4, 0.95, 0.999, 1e-6), (adam.Lr, adam.Betas[0], adam.Betas[1], adam.WeightDecay));
        Assert.Equal(NormalizationMode.Identity, config.ModeFor(FeatureType.Visual));
        Assert.Equal(NormalizationMode.MinMax, config.ModeFor(FeatureType.Action));
    }

    [Fact]
    public void The_vqbet_schedule_keeps_the_full_rate_during_the_vqvae_phase_then_warms_up_and_decays()
    {
        var s = Assert.IsType<VqbetSchedulerConfig>(new VqbetConfig { NVqvaeTrainingSteps = 100, SchedulerWarmupSteps = 10 }.GetSchedulerPreset());
        Assert.Equal(1.0, s.Factor(0, 1000));
        Assert.Equal(1.0, s.Factor(99, 1000));
        Assert.Equal(0.0, s.Factor(100, 1000));
        Assert.Equal(0.5, s.Factor(105, 1000), 12);
        Assert.Equal(1.0, s.Factor(110, 1000), 12);
        // LeRobot measures the cosine's progress against total - warmup: half way at adjusted step 10 + 495.
        Assert.Equal(0.5, s.Factor(100 + 10 + 495, 1000), 12);
        Assert.Contains("\"type\": \"vqbet\"", System.Text.Json.JsonSerializer.Serialize<SchedulerConfig>(s, ConfigJson.Options));
    }

    [Fact]
    public void An_environment_state_in_the_dataset_is_left_out_of_the_policys_inputs()
    {
        var (policy, pre, _) = PolicyFactory.Make(new VqbetConfig { PretrainedBackboneWeights = null, GptNLayer = 1 }, new Dictionary<string, PolicyFeature>
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [6]),
            [PolicyKeys.ObservationEnvironmentState] = new(FeatureType.Env, [3]),
            ["observation.images.front"] = new(FeatureType.Visual, [3, 96, 96]),
            [PolicyKeys.Action] = new(FeatureType.Action, [6]),
        }, null);
        using (policy)
            Assert.Equal(["observation.images.front", PolicyKeys.ObservationState], policy.Config.InputFeatures.Keys.Order(StringComparer.Ordinal));
    }
}
