using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Tdmpc;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Layout;

/// <summary>TD-MPC's model.safetensors keys and config.json fields in LeRobot's layout at its default config (lists in <see cref="LeRobotTdmpcKeys"/>).</summary>
public class LeRobotTdmpcLayoutTests
{
    public LeRobotTdmpcLayoutTests() => TorchSharp.torch.set_num_threads(1);

    /// <summary>LeRobot's xArm setup the defaults are tuned for: a 4-D state, one 3×84×84 camera, 4-D actions.</summary>
    private static TdmpcConfig XarmTdmpc(bool envState = false)
    {
        var config = new TdmpcConfig
        {
            InputFeatures =
            {
                [PolicyKeys.ObservationState] = new(FeatureType.State, [4]),
                ["observation.image"] = new(FeatureType.Visual, [3, 84, 84]),
            },
            OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [4]) },
        };
        if (envState) config.InputFeatures[PolicyKeys.ObservationEnvironmentState] = new(FeatureType.Env, [3]);
        return config;
    }

    private static void AssertLayout(TorchKeys expected, IReadOnlyDictionary<string, Tensor> actual)
    {
        var missing = expected.Shapes.Keys.Except(actual.Keys).ToList();
        var extra = actual.Keys.Except(expected.Shapes.Keys).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"missing {missing.Count}: {string.Join(", ", missing.Take(8))}; unexpected {extra.Count}: {string.Join(", ", extra.Take(8))}");
        foreach (var (key, shape) in expected.Shapes)
        {
            Assert.True(shape.SequenceEqual(actual[key].shape), $"{key}: LeRobot has [{string.Join(", ", shape)}], here [{string.Join(", ", actual[key].shape)}]");
            Assert.Equal(ScalarType.Float32, actual[key].dtype);
        }
    }

    [Fact]
    public void Tdmpc_at_its_default_config_has_LeRobots_state_dict_keys_and_shapes()
    {
        using var policy = new TdmpcPolicy(XarmTdmpc());
        AssertLayout(LeRobotTdmpcKeys.Tdmpc(state: 4, envState: 0, action: 4, image: [3, 84, 84]), policy.StateDict());
    }

    [Fact]
    public void Tdmpc_with_an_environment_state_adds_LeRobots_env_state_encoder()
    {
        using var policy = new TdmpcPolicy(XarmTdmpc(envState: true));
        AssertLayout(LeRobotTdmpcKeys.Tdmpc(state: 4, envState: 3, action: 4, image: [3, 84, 84]), policy.StateDict());
    }

    [Fact]
    public void Tdmpc_config_json_carries_exactly_LeRobots_fields_with_LeRobots_defaults()
    {
        var json = JsonNode.Parse(XarmTdmpc().ToJson())!.AsObject();
        Assert.Equal("tdmpc", json["type"]!.GetValue<string>());
        Assert.Equal(LeRobotKeys.BaseConfigFields.Concat(LeRobotTdmpcKeys.ConfigFields).Order(StringComparer.Ordinal), json.Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.Equal(2, json["n_action_repeats"]!.GetValue<int>());
        Assert.Equal(5, json["horizon"]!.GetValue<int>());
        Assert.Equal(50, json["latent_dim"]!.GetValue<int>());
        Assert.Equal(512, json["n_gaussian_samples"]!.GetValue<int>());
        Assert.Equal(0.995, json["target_model_momentum"]!.GetValue<double>());
        Assert.Equal(3e-4, json["optimizer_lr"]!.GetValue<double>());
        Assert.Equal("""{"VISUAL":"IDENTITY","STATE":"IDENTITY","ENV":"IDENTITY","ACTION":"MIN_MAX"}""", json["normalization_mapping"]!.ToJsonString());
        var optimizer = Assert.IsType<Optim.AdamConfig>(XarmTdmpc().GetOptimizerPreset());
        Assert.Equal(3e-4, optimizer.Lr);
        Assert.Null(XarmTdmpc().GetSchedulerPreset());
    }
}
