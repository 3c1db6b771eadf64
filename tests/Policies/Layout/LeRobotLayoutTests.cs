using System.Text.Json.Nodes;
using RobotActors.Policies.Act;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Diffusion;
using RobotActors.Policies.SafeTensors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Layout;

/// <summary>
/// model.safetensors, config.json and processor files in LeRobot's layout, for ACT and Diffusion Policy at
/// their default configs. The expected key lists come from LeRobot's modeling code (see <see cref="LeRobotKeys"/>).
/// </summary>
public class LeRobotLayoutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lerobot-layout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertLayout(TorchKeys expected, IReadOnlyDictionary<string, Tensor> actual)
    {
        var missing = expected.Shapes.Keys.Except(actual.Keys).ToList();
        var extra = actual.Keys.Except(expected.Shapes.Keys).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"missing {missing.Count}: {string.Join(", ", missing.Take(8))}; unexpected {extra.Count}: {string.Join(", ", extra.Take(8))}");
        foreach (var (key, shape) in expected.Shapes)
        {
            Assert.True(shape.SequenceEqual(actual[key].shape), $"{key}: LeRobot has [{string.Join(", ", shape)}], here [{string.Join(", ", actual[key].shape)}]");
            Assert.Equal(expected.Int64.Contains(key) ? ScalarType.Int64 : ScalarType.Float32, actual[key].dtype);
        }
    }

    private static ActConfig AlohaAct(int side = 96) => new()
    {
        InputFeatures =
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [14]),
            ["observation.images.top"] = new(FeatureType.Visual, [3, side, side]),
        },
        OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [14]) },
    };

    private static DiffusionConfig PushTDiffusion(int[]? downDims = null)
    {
        var config = new DiffusionConfig
        {
            InputFeatures =
            {
                [PolicyKeys.ObservationState] = new(FeatureType.State, [2]),
                ["observation.image"] = new(FeatureType.Visual, [3, 96, 96]),
            },
            OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [2]) },
        };
        if (downDims is not null) config.DownDims = downDims;
        return config;
    }

    [Fact]
    public void Act_at_its_default_config_has_LeRobots_state_dict_keys_and_shapes()
    {
        using var policy = new ActPolicy(AlohaAct());
        AssertLayout(LeRobotKeys.Act(state: 14, action: 14, cameras: 1), policy.StateDict());
    }

    [Fact]
    public void Diffusion_at_its_default_config_has_LeRobots_state_dict_keys_and_shapes()
    {
        using var policy = new DiffusionPolicy(PushTDiffusion());
        AssertLayout(LeRobotKeys.Diffusion(state: 2, action: 2, cameras: 1, imageSide: 96), policy.StateDict());
    }

    [Fact]
    public void Config_json_carries_exactly_LeRobots_fields_with_LeRobots_defaults()
    {
        var act = JsonNode.Parse(AlohaAct().ToJson())!.AsObject();
        Assert.Equal("act", act["type"]!.GetValue<string>());
        Assert.Equal(LeRobotKeys.BaseConfigFields.Concat(LeRobotKeys.ActConfigFields).Order(StringComparer.Ordinal), act.Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.Equal(100, act["chunk_size"]!.GetValue<int>());
        Assert.Equal(10.0, act["kl_weight"]!.GetValue<double>());
        Assert.Equal("ResNet18_Weights.IMAGENET1K_V1", act["pretrained_backbone_weights"]!.GetValue<string>());
        Assert.Equal("""{"VISUAL":"MEAN_STD","STATE":"MEAN_STD","ACTION":"MEAN_STD"}""", act["normalization_mapping"]!.ToJsonString());
        Assert.Equal("""{"type":"STATE","shape":[14]}""", act["input_features"]!["observation.state"]!.ToJsonString());

        var diffusion = JsonNode.Parse(PushTDiffusion().ToJson())!.AsObject();
        Assert.Equal(LeRobotKeys.BaseConfigFields.Concat(LeRobotKeys.DiffusionConfigFields).Order(StringComparer.Ordinal), diffusion.Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.Equal(2, diffusion["n_obs_steps"]!.GetValue<int>());
        Assert.Equal(64, diffusion["horizon"]!.GetValue<int>());
        Assert.Equal("[512,1024,2048]", diffusion["down_dims"]!.ToJsonString());
        Assert.Equal("[0.95,0.999]", diffusion["optimizer_betas"]!.ToJsonString());
        Assert.Equal("""{"VISUAL":"MEAN_STD","STATE":"MIN_MAX","ACTION":"MIN_MAX"}""", diffusion["normalization_mapping"]!.ToJsonString());
    }

    [Fact]
    public void A_config_json_from_an_earlier_version_of_this_project_with_feature_sizes_still_loads()
    {
        var json = JsonNode.Parse(AlohaAct().ToJson())!.AsObject();
        json["input_features"]!["observation.state"]!["size"] = 14;
        var config = Assert.IsType<ActConfig>(PreTrainedConfig.FromJson(json.ToJsonString()));
        Assert.Equal(new[] { 14 }, config.InputFeatures[PolicyKeys.ObservationState].Shape);
        Assert.DoesNotContain("\"size\"", config.ToJson());
    }

    /// <summary>config.json as LeRobot writes it for ACT (draccus.encode, four-space indent), trained on CUDA.</summary>
    private const string LeRobotActConfig = """
        {
            "type": "act",
            "n_obs_steps": 1,
            "input_features": {
                "observation.state": {
                    "type": "STATE",
                    "shape": [
                        14
                    ]
                },
                "observation.images.top": {
                    "type": "VISUAL",
                    "shape": [
                        3,
                        96,
                        96
                    ]
                }
            },
            "output_features": {
                "action": {
                    "type": "ACTION",
                    "shape": [
                        14
                    ]
                }
            },
            "device": "cuda",
            "use_amp": false,
            "use_peft": false,
            "push_to_hub": true,
            "repo_id": "lerobot/act_aloha_sim_transfer_cube_human",
            "private": null,
            "tags": null,
            "license": null,
            "pretrained_path": null,
            "pretrained_revision": null,
            "chunk_size": 100,
            "n_action_steps": 100,
            "normalization_mapping": {
                "VISUAL": "MEAN_STD",
                "STATE": "MEAN_STD",
                "ACTION": "MEAN_STD"
            },
            "vision_backbone": "resnet18",
            "pretrained_backbone_weights": "ResNet18_Weights.IMAGENET1K_V1",
            "replace_final_stride_with_dilation": false,
            "pre_norm": false,
            "dim_model": 512,
            "n_heads": 8,
            "dim_feedforward": 3200,
            "feedforward_activation": "relu",
            "n_encoder_layers": 4,
            "n_decoder_layers": 1,
            "use_vae": true,
            "latent_dim": 32,
            "n_vae_encoder_layers": 4,
            "temporal_ensemble_coeff": null,
            "dropout": 0.1,
            "kl_weight": 10.0,
            "optimizer_lr": 1e-05,
            "optimizer_weight_decay": 0.0001,
            "optimizer_lr_backbone": 1e-05
        }
        """;

    /// <summary>LeRobot's default pre/post-processor pipelines for that config (processor/factory.py).</summary>
    private static void WriteLeRobotProcessors(string dir, string device)
    {
        var features = """{"observation.state": {"type": "STATE", "shape": [14]}, "observation.images.top": {"type": "VISUAL", "shape": [3, 96, 96]}, "action": {"type": "ACTION", "shape": [14]}}""";
        var normMap = """{"VISUAL": "MEAN_STD", "STATE": "MEAN_STD", "ACTION": "MEAN_STD"}""";
        File.WriteAllText(Path.Combine(dir, "policy_preprocessor.json"), $$$$"""
            {"name": "policy_preprocessor", "steps": [
              {"registry_name": "rename_observations_processor", "config": {"rename_map": {}}},
              {"registry_name": "to_batch_processor", "config": {}},
              {"registry_name": "device_processor", "config": {"device": "{{{{device}}}}", "float_dtype": null}},
              {"registry_name": "normalizer_processor", "config": {"eps": 1e-08, "features": {{{{features}}}}, "norm_map": {{{{normMap}}}}},
               "state_file": "policy_preprocessor_step_3_normalizer_processor.safetensors"}]}
            """);
        File.WriteAllText(Path.Combine(dir, "policy_postprocessor.json"), $$$$"""
            {"name": "policy_postprocessor", "steps": [
              {"registry_name": "unnormalizer_processor", "config": {"eps": 1e-08, "features": {"action": {"type": "ACTION", "shape": [14]}}, "norm_map": {{{{normMap}}}}},
               "state_file": "policy_postprocessor_step_0_unnormalizer_processor.safetensors"},
              {"registry_name": "device_processor", "config": {"device": "cpu", "float_dtype": null}}]}
            """);
        var stats = new Dictionary<string, Tensor>
        {
            ["observation.state.mean"] = torch.zeros(14), ["observation.state.std"] = torch.ones(14),
            ["observation.state.min"] = torch.full(14, -3f), ["observation.state.max"] = torch.full(14, 3f),
            ["observation.images.top.mean"] = torch.full(3, 1, 1, 0.5f), ["observation.images.top.std"] = torch.full(3, 1, 1, 0.25f),
            ["action.mean"] = torch.full(14, 2f), ["action.std"] = torch.full(14, 0.5f),
            ["action.count"] = torch.tensor(new long[] { 20000 }),
        };
        TorchSafeTensors.Save(stats, Path.Combine(dir, "policy_preprocessor_step_3_normalizer_processor.safetensors"));
        TorchSafeTensors.Save(stats, Path.Combine(dir, "policy_postprocessor_step_0_unnormalizer_processor.safetensors"));
    }

    [Fact]
    public void A_checkpoint_folder_written_by_LeRobot_for_act_loads_and_runs_here()
    {
        torch.manual_seed(0);
        var expected = LeRobotKeys.Act(state: 14, action: 14, cameras: 1);
        var weights = expected.Shapes.ToDictionary(kv => kv.Key, kv => torch.randn(kv.Value) * 0.02);
        // Frozen batch norm statistics must be a valid variance.
        foreach (var key in weights.Keys.Where(k => k.EndsWith("running_var", StringComparison.Ordinal)).ToList()) weights[key] = torch.rand(weights[key].shape) + 0.5;
        TorchSafeTensors.Save(weights, Path.Combine(_dir, "model.safetensors"), new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(_dir, "config.json"), LeRobotActConfig);
        WriteLeRobotProcessors(_dir, "cuda");

        var (policy, pre, post) = PolicyFactory.LoadPretrained(_dir);
        var act = Assert.IsType<ActPolicy>(policy);
        Assert.Equal(weights["model.encoder.layers.2.linear1.weight"].data<float>().ToArray(),
            act.StateDict()["model.encoder.layers.2.linear1.weight"].data<float>().ToArray());
        Assert.Equal(weights["model.backbone.layer4.1.bn2.running_var"].data<float>().ToArray(),
            act.StateDict()["model.backbone.layer4.1.bn2.running_var"].data<float>().ToArray());

        // The CUDA device in the files falls back to the CPU this build has, and the file's stats unnormalize the action.
        var observation = new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = torch.randn(14),
            ["observation.images.top"] = torch.rand(3, 96, 96),
        };
        var normalized = act.SelectAction(pre!.ProcessBatch(observation));
        var action = post!.ProcessAction(normalized);
        Assert.Equal(new long[] { 1, 14 }, action.shape);
        Assert.True((action - (normalized * 0.5 + 2)).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void A_LeRobot_checkpoint_from_before_processor_files_loads_with_processors_rebuilt_from_its_buffers()
    {
        torch.manual_seed(2);
        var expected = LeRobotKeys.Act(state: 14, action: 14, cameras: 1);
        var weights = expected.Shapes.ToDictionary(kv => kv.Key, kv => torch.randn(kv.Value) * 0.02);
        foreach (var key in weights.Keys.Where(k => k.EndsWith("running_var", StringComparison.Ordinal)).ToList()) weights[key] = torch.rand(weights[key].shape) + 0.5;
        // LeRobot before PR #1452: Normalize / Unnormalize modules with one buffer_<key> ParameterDict per feature.
        weights["normalize_inputs.buffer_observation_state.mean"] = torch.full(14, 1f);
        weights["normalize_inputs.buffer_observation_state.std"] = torch.full(14, 2f);
        weights["normalize_inputs.buffer_observation_images_top.mean"] = torch.full(3, 1, 1, 0.5f);
        weights["normalize_inputs.buffer_observation_images_top.std"] = torch.full(3, 1, 1, 0.25f);
        weights["normalize_targets.buffer_action.mean"] = torch.full(14, -3f);
        weights["normalize_targets.buffer_action.std"] = torch.full(14, 4f);
        weights["unnormalize_outputs.buffer_action.mean"] = torch.full(14, -3f);
        weights["unnormalize_outputs.buffer_action.std"] = torch.full(14, 4f);
        TorchSafeTensors.Save(weights, Path.Combine(_dir, "model.safetensors"));
        File.WriteAllText(Path.Combine(_dir, "config.json"), LeRobotActConfig);

        var warnings = new List<string>();
        var (policy, pre, post) = PolicyFactory.LoadPretrained(_dir, warnings.Add);
        Assert.Contains(warnings, w => w.Contains("predates LeRobot's processor files"));
        var normalized = pre!.ProcessBatch(new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = torch.full(14, 5f),
            ["observation.images.top"] = torch.full(3, 96, 96, 0.75f),
        });
        Assert.Equal(2f, normalized[PolicyKeys.ObservationState][0, 0].item<float>(), 5);
        Assert.Equal(1f, normalized["observation.images.top"][0, 1, 5, 5].item<float>(), 5);
        var action = post!.ProcessAction(torch.ones(1, 14));
        Assert.Equal(1f, action[0, 3].item<float>(), 5);
        Assert.IsType<ActPolicy>(policy);
    }

    [Fact]
    public void A_policy_saved_here_is_in_LeRobots_layout()
    {
        torch.manual_seed(1);
        var config = PushTDiffusion(downDims: [64, 128, 256]);
        using var policy = new DiffusionPolicy(config);
        var stats = new RobotActors.Policies.Processors.DatasetStats()
            .Set(PolicyKeys.ObservationState, "min", [0, 0]).Set(PolicyKeys.ObservationState, "max", [512, 512])
            .Set("observation.image", "mean", [0.5f, 0.5f, 0.5f]).Set("observation.image", "std", [0.2f, 0.2f, 0.2f])
            .Set(PolicyKeys.Action, "min", [0, 0]).Set(PolicyKeys.Action, "max", [512, 512]);
        var (pre, post) = PolicyFactory.MakeProcessors(config, stats);
        policy.SavePretrained(_dir, pre, post);

        Assert.Equal(new[] { "config.json", "model.safetensors", "policy_postprocessor.json", "policy_postprocessor_step_0_unnormalizer_processor.safetensors",
            "policy_preprocessor.json", "policy_preprocessor_step_3_normalizer_processor.safetensors" },
            Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var model = SafeTensorsFile.Read(Path.Combine(_dir, "model.safetensors"));
        Assert.Equal("pt", model.Metadata["format"]);
        var expected = LeRobotKeys.Diffusion(state: 2, action: 2, cameras: 1, imageSide: 96, downDims: [64, 128, 256]);
        Assert.Equal(expected.Shapes.Keys, model.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, shape) in expected.Shapes) Assert.Equal(shape, model.Tensors[key].Shape);

        var preJson = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "policy_preprocessor.json")))!;
        Assert.Equal("policy_preprocessor", preJson["name"]!.GetValue<string>());
        Assert.Equal(new[] { "rename_observations_processor", "to_batch_processor", "device_processor", "normalizer_processor" },
            preJson["steps"]!.AsArray().Select(s => s!["registry_name"]!.GetValue<string>()));
        Assert.Equal("policy_preprocessor_step_3_normalizer_processor.safetensors", preJson["steps"]![3]!["state_file"]!.GetValue<string>());
        Assert.Equal("""{"VISUAL":"MEAN_STD","STATE":"MIN_MAX","ACTION":"MIN_MAX"}""", preJson["steps"]![3]!["config"]!["norm_map"]!.ToJsonString());
        var state = SafeTensorsFile.Read(Path.Combine(_dir, "policy_preprocessor_step_3_normalizer_processor.safetensors"));
        Assert.Contains("observation.state.max", state.Tensors.Keys);
        Assert.Equal(new long[] { 3, 1, 1 }, state.Tensors["observation.image.mean"].Shape);
        var postJson = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "policy_postprocessor.json")))!;
        Assert.Equal(new[] { "unnormalizer_processor", "device_processor" },
            postJson["steps"]!.AsArray().Select(s => s!["registry_name"]!.GetValue<string>()));

        var (loaded, _, _) = PolicyFactory.LoadPretrained(_dir);
        foreach (var (key, tensor) in policy.StateDict())
            Assert.Equal(tensor.bytes.ToArray(), loaded.StateDict()[key].bytes.ToArray());
    }
}
