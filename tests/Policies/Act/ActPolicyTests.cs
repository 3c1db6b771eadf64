using RobotActors.Policies.Act;
using RobotActors.Policies.Configs;
using RobotActors.Policies.SafeTensors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Act;

public class ActPolicyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("act-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Select_action_executes_n_action_steps_of_one_chunk_before_predicting_the_next()
    {
        torch.manual_seed(0);
        using var policy = new ActPolicy(SmallAct.Config(chunk: 10, nActionSteps: 4));
        var first = SmallAct.Observation();
        var chunk = policy.PredictActionChunk(first);
        Assert.Equal(new long[] { 2, 10, 3 }, chunk.shape);
        for (var i = 0; i < 4; i++)
        {
            // Later observations do not matter until the queue runs dry.
            var action = policy.SelectAction(i == 0 ? first : SmallAct.Observation());
            Assert.Equal(chunk[.., i].data<float>().ToArray(), action.data<float>().ToArray());
        }
        var next = SmallAct.Observation();
        Assert.Equal(policy.PredictActionChunk(next)[.., 0].data<float>().ToArray(), policy.SelectAction(next).data<float>().ToArray());
        Assert.Equal(3, policy.QueuedActions!.shape[1]);
        policy.Reset();
        Assert.Null(policy.QueuedActions);
    }

    [Fact]
    public void The_l1_loss_ignores_padded_actions_and_the_kl_term_is_weighted_by_kl_weight()
    {
        torch.manual_seed(1);
        using var policy = new ActPolicy(SmallAct.Config(vae: false));
        policy.train();
        var batch = SmallAct.TrainingBatch(3, 10);
        batch["action_is_pad"][.., 7..] = torch.tensor(true);
        var (loss, info) = policy.Forward(batch);
        Assert.False(info.ContainsKey("kld_loss"));

        var paddedChanged = new Dictionary<string, Tensor>(batch) { [PolicyKeys.Action] = batch[PolicyKeys.Action].clone() };
        paddedChanged[PolicyKeys.Action][.., 7..] = torch.tensor(100f);
        Assert.Equal(loss.item<float>(), policy.Forward(paddedChanged).Loss.item<float>(), 6);

        var realChanged = new Dictionary<string, Tensor>(batch) { [PolicyKeys.Action] = batch[PolicyKeys.Action].clone() };
        realChanged[PolicyKeys.Action][.., 6] = torch.tensor(100f);
        Assert.True(policy.Forward(realChanged).Loss.item<float>() > loss.item<float>() + 1);

        using var vae = new ActPolicy(SmallAct.Config(vae: true));
        vae.train();
        var (vaeLoss, vaeInfo) = vae.Forward(batch);
        Assert.True(vaeInfo["kld_loss"] > 0);
        Assert.Equal(vaeInfo["l1_loss"] + 10.0 * vaeInfo["kld_loss"], vaeLoss.item<float>(), 4);
    }

    [Fact]
    public void A_training_step_moves_the_backbone_at_its_own_learning_rate_and_leaves_frozen_batch_norm_alone()
    {
        torch.manual_seed(2);
        var config = SmallAct.Config();
        config.OptimizerLr = 1e-3;
        config.OptimizerLrBackbone = 0;
        using var policy = new ActPolicy(config);
        var optimizers = policy.MakeOptimizers(config.GetOptimizerPreset());
        var groups = optimizers.ParamGroups().AsArray();
        Assert.Equal(2, groups.Count);
        Assert.Equal(1e-3, groups[0]!["lr"]!.GetValue<double>());
        Assert.Equal(0.0, groups[1]!["lr"]!.GetValue<double>());

        var before = policy.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var batch = SmallAct.TrainingBatch(2, 10);
        policy.TrainStep(() => batch, optimizers, 0);
        var after = policy.StateDict();
        bool Moved(string key) => !before[key].allclose(after[key], rtol: 0, atol: 0);
        Assert.True(Moved("model.action_head.weight"));
        Assert.True(Moved("model.encoder.layers.0.self_attn.in_proj_weight"));
        // lr 0 for the backbone group; frozen batch norm is buffers, never touched.
        Assert.False(Moved("model.backbone.layer1.0.conv1.weight"));
        Assert.False(Moved("model.backbone.bn1.running_var"));
        Assert.DoesNotContain(policy.named_parameters(), p => p.name.Contains(".bn"));
    }

    [Fact]
    public void Temporal_ensembling_averages_every_prediction_for_a_step_with_exponential_weights()
    {
        const double coeff = 0.3;
        const int chunk = 4;
        using var ensembler = new ActTemporalEnsembler(coeff, chunk);
        var predictions = Enumerable.Range(0, 6).Select(t => torch.randn(1, chunk, 2)).ToList();
        for (var t = 0; t < predictions.Count; t++)
        {
            var action = ensembler.Update(predictions[t]);
            // Offline: predictions made at steps s ≤ t for step t are predictions[s][t - s]; the oldest gets w₀.
            var made = Enumerable.Range(Math.Max(0, t - chunk + 1), Math.Min(t, chunk - 1) + 1).ToList();
            var weights = made.Select((_, i) => Math.Exp(-coeff * i)).ToList();
            for (var d = 0; d < 2; d++)
            {
                var expected = made.Select((s, i) => weights[i] * predictions[s][0, t - s, d].item<float>()).Sum() / weights.Sum();
                Assert.Equal(expected, action[0, d].item<float>(), 4);
            }
        }
    }

    [Fact]
    public void Save_then_load_gives_bit_identical_actions()
    {
        torch.manual_seed(3);
        var config = SmallAct.Config();
        using var policy = new ActPolicy(config);
        var (pre, post) = PolicyFactory.MakeProcessors(config, SmallAct.Stats());
        policy.SavePretrained(_dir, pre, post);
        var (loaded, loadedPre, loadedPost) = PolicyFactory.LoadPretrained(_dir);
        Assert.IsType<ActPolicy>(loaded);
        var raw = new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = torch.tensor(new[] { 0.5f, -1, 2, 0 }),
            [SmallAct.Camera] = torch.rand(3, 64, 64),
        };
        var a = post.ProcessAction(policy.SelectAction(pre.ProcessBatch(raw)));
        var b = loadedPost!.ProcessAction(loaded.SelectAction(loadedPre!.ProcessBatch(raw)));
        Assert.Equal(new long[] { 1, 3 }, b.shape);
        Assert.Equal(a.bytes.ToArray(), b.bytes.ToArray());
    }

    [Fact]
    public void Torchvision_weights_in_safetensors_form_load_into_the_backbone_and_a_file_lacking_a_tensor_is_refused_by_name()
    {
        torch.manual_seed(4);
        var config = SmallAct.Config();
        using var reference = new ActPolicy(config);
        // A torchvision resnet18 state dict: the backbone's tensors under torchvision's names, plus the fc head.
        var torchvision = reference.StateDict()
            .Where(kv => kv.Key.StartsWith("model.backbone.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["model.backbone.".Length..], kv => torch.randn_like(kv.Value));
        torchvision["fc.weight"] = torch.randn(1000, 512);
        torchvision["fc.bias"] = torch.randn(1000);
        torchvision["bn1.num_batches_tracked"] = torch.tensor(7L);
        var file = Path.Combine(_dir, "resnet18.safetensors");
        TorchSafeTensors.Save(torchvision, file);

        config.PretrainedBackboneWeights = file;
        using var policy = new ActPolicy(config);
        policy.LoadPretrainedBackbones();
        var state = policy.StateDict();
        Assert.Equal(torchvision["layer3.1.conv2.weight"].data<float>().ToArray(), state["model.backbone.layer3.1.conv2.weight"].data<float>().ToArray());
        Assert.Equal(torchvision["bn1.running_mean"].data<float>().ToArray(), state["model.backbone.bn1.running_mean"].data<float>().ToArray());

        torchvision.Remove("layer2.0.downsample.0.weight");
        TorchSafeTensors.Save(torchvision, file);
        var e = Assert.Throws<InvalidDataException>(() => policy.LoadPretrainedBackbones());
        Assert.Contains("layer2.0.downsample.0.weight", e.Message);
    }

    [Theory]
    [InlineData("n_action_steps", "200", "n_action_steps=200 is larger than chunk_size=100")]
    [InlineData("temporal_ensemble_coeff", "0.01", "needs n_action_steps=1")]
    [InlineData("vision_backbone", "\"vit_b_16\"", "vision_backbone='vit_b_16' is not available")]
    [InlineData("n_obs_steps", "2", "n_obs_steps must be 1")]
    public void Settings_that_cannot_work_are_refused_naming_the_field_and_the_rule(string field, string value, string message)
    {
        var config = (ActConfig)PreTrainedConfig.Create("act", new Dictionary<string, string> { [field] = value });
        config.InputFeatures = SmallAct.Config().InputFeatures;
        config.OutputFeatures = SmallAct.Config().OutputFeatures;
        var e = Assert.Throws<PolicyConfigException>(() => new ActPolicy(config));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_state_only_dataset_is_refused_because_act_needs_a_camera_or_an_environment_state()
    {
        var config = new ActConfig();
        var e = Assert.Throws<PolicyConfigException>(() => PolicyFactory.Make(config, new Dictionary<string, PolicyFeature>
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [6]),
            [PolicyKeys.Action] = new(FeatureType.Action, [6]),
        }, null));
        Assert.Contains("needs at least one camera", e.Message);
        Assert.Contains("observation.state", e.Message);
    }
}
