using RobotActors.Policies.Configs;
using RobotActors.Policies.Tdmpc;

namespace RobotActors.Policies.Tests.Tdmpc;

public class TdmpcConfigTests
{
    public TdmpcConfigTests() => TorchSharp.torch.set_num_threads(1);

    private static TdmpcConfig WithCamera(int height, int width) => new()
    {
        InputFeatures =
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [4]),
            ["observation.images.front"] = new(FeatureType.Visual, [3, height, width]),
        },
        OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [4]) },
    };

    [Fact]
    public void A_non_square_image_is_refused_before_training_with_the_field_and_the_rule()
    {
        var config = WithCamera(96, 128);
        var dataset = new Dictionary<string, PolicyFeature>(config.InputFeatures) { [PolicyKeys.Action] = new(FeatureType.Action, [4]) };
        var e = Assert.Throws<PolicyConfigException>(() => PolicyFactory.Make(config, dataset, stats: null));
        Assert.Equal("tdmpc: input_features.observation.images.front has shape [3, 96, 128] (height 96, width 128); TD-MPC requires square images (height == width): resize or crop the camera", e.Message);
        using var square = new TdmpcPolicy(WithCamera(96, 96));
    }

    [Theory]
    [InlineData("""{"n_action_steps": 3}""", "n_action_steps=3 needs n_action_repeats=1 (got 2)")]
    [InlineData("""{"n_action_steps": 3, "n_action_repeats": 1, "use_mpc": false}""", "n_action_steps=3 needs use_mpc=true")]
    [InlineData("""{"n_action_steps": 6, "n_action_repeats": 1}""", "n_action_steps=6 must be at most horizon=5")]
    [InlineData("""{"n_obs_steps": 2}""", "n_obs_steps=2 is not supported")]
    [InlineData("""{"normalization_mapping": {"ACTION": "MEAN_STD"}}""", "normalization_mapping.ACTION=MeanStd must be MIN_MAX")]
    [InlineData("""{"n_elites": 600}""", "n_elites=600 must be at most n_gaussian_samples + n_pi_samples = 563")]
    public void LeRobots_other_checks_refuse_the_config_with_the_field_and_the_rule(string fields, string message)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(WithCamera(84, 84).ToJson())!.AsObject();
        foreach (var (k, v) in System.Text.Json.Nodes.JsonNode.Parse(fields)!.AsObject().ToList())
            json[k] = v?.DeepClone();
        var config = PreTrainedConfig.FromJson(json.ToJsonString());
        var e = Assert.Throws<PolicyConfigException>(() => new TdmpcPolicy((TdmpcConfig)config));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("tdmpc: ", e.Message);
    }

    [Fact]
    public void Two_cameras_are_refused()
    {
        var config = WithCamera(84, 84);
        config.InputFeatures["observation.images.wrist"] = new(FeatureType.Visual, [3, 84, 84]);
        var e = Assert.Throws<PolicyConfigException>(() => new TdmpcPolicy(config));
        Assert.Contains("TD-MPC handles at most one image", e.Message);
    }

    [Fact]
    public void Zero_gaussian_samples_are_refused_by_the_range_check()
    {
        var e = Assert.Throws<PolicyConfigException>(() => PreTrainedConfig.Create("tdmpc", [new("n_gaussian_samples", "0")]));
        Assert.Contains("n_gaussian_samples", e.Message);
    }

    [Fact]
    public void Tdmpc_is_a_built_in_policy_type_with_a_one_line_description_made_by_the_factory()
    {
        var listed = RobotActors.Policies.Plugins.PolicyPlugins.Available().Single(a => a.Type == "tdmpc");
        Assert.Equal("built-in", listed.Source);
        Assert.StartsWith("TD-MPC", listed.Description);
        Assert.DoesNotContain('\n', listed.Description);
        Assert.Equal(typeof(TdmpcPolicy), PolicyFactory.PolicyClassFor(typeof(TdmpcConfig)));
    }

    [Fact]
    public void The_observation_action_and_reward_windows_are_LeRobots()
    {
        var config = new TdmpcConfig();
        Assert.Equal([0, 1, 2, 3, 4, 5], config.ObservationDeltaIndices!);
        Assert.Equal([0, 1, 2, 3, 4], config.ActionDeltaIndices!);
        Assert.Equal([0, 1, 2, 3, 4], config.RewardDeltaIndices!);
    }
}
