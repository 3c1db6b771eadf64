using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Vqbet;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Layout;

/// <summary>VQ-BeT's model.safetensors keys and config.json at its default config, against <see cref="LeRobotVqbetKeys"/>.</summary>
public class LeRobotVqbetLayoutTests
{
    private static VqbetConfig PushTVqbet() => new()
    {
        InputFeatures =
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [2]),
            ["observation.image"] = new(FeatureType.Visual, [3, 96, 96]),
        },
        OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [2]) },
    };

    [Fact]
    public void Vqbet_at_its_default_config_has_LeRobots_state_dict_keys_shapes_and_dtypes()
    {
        using var policy = new VqbetPolicy(PushTVqbet());
        var expected = LeRobotVqbetKeys.Vqbet(state: 2, action: 2);
        var actual = policy.StateDict();
        var missing = expected.Shapes.Keys.Except(actual.Keys).ToList();
        var extra = actual.Keys.Except(expected.Shapes.Keys).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"missing {missing.Count}: {string.Join(", ", missing.Take(8))}; unexpected {extra.Count}: {string.Join(", ", extra.Take(8))}");
        foreach (var (key, shape) in expected.Shapes)
        {
            Assert.True(shape.SequenceEqual(actual[key].shape), $"{key}: LeRobot has [{string.Join(", ", shape)}], here [{string.Join(", ", actual[key].shape)}]");
            var dtype = LeRobotVqbetKeys.BoolKeys.Contains(key) ? ScalarType.Bool : expected.Int64.Contains(key) ? ScalarType.Int64 : ScalarType.Float32;
            Assert.Equal(dtype, actual[key].dtype);
        }
    }

    [Fact]
    public void Config_json_carries_exactly_LeRobots_fields_with_LeRobots_defaults()
    {
        var json = JsonNode.Parse(PushTVqbet().ToJson())!.AsObject();
        Assert.Equal("vqbet", json["type"]!.GetValue<string>());
        Assert.Equal(LeRobotKeys.BaseConfigFields.Concat(LeRobotVqbetKeys.ConfigFields).Order(StringComparer.Ordinal), json.Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.Equal(5, json["n_obs_steps"]!.GetValue<int>());
        Assert.Equal("[84,84]", json["crop_shape"]!.ToJsonString());
        Assert.Equal(20000, json["n_vqvae_training_steps"]!.GetValue<int>());
        Assert.Equal(10000.0, json["offset_loss_weight"]!.GetValue<double>());
        Assert.Equal("ResNet18_Weights.IMAGENET1K_V1", json["pretrained_backbone_weights"]!.GetValue<string>());
        Assert.Equal("""{"VISUAL":"IDENTITY","STATE":"MIN_MAX","ACTION":"MIN_MAX"}""", json["normalization_mapping"]!.ToJsonString());
    }
}
