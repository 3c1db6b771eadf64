using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Vqbet;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Vqbet;

public class VqbetPolicyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vqbet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, Tensor> Snapshot(VqbetPolicy policy) =>
        policy.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

    private static bool Changed(Dictionary<string, Tensor> before, VqbetPolicy policy, string prefix)
    {
        var now = policy.StateDict();
        return before.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Value.is_floating_point())
            .Any(kv => !kv.Value.allclose(now[kv.Key], rtol: 0, atol: 0));
    }

    [Fact]
    public void The_vqvae_phase_trains_only_the_vqvae_then_the_gpt_phase_trains_the_rest_with_the_vqvae_frozen()
    {
        torch.manual_seed(0);
        var config = SmallVqbet.Config(vqvaeSteps: 3);
        using var policy = new VqbetPolicy(config);
        var optimizers = policy.MakeOptimizers(config.GetOptimizerPreset());
        const string vqvae = "vqbet.action_head.vqvae_model.";
        const string codebook = "vqbet.action_head.vqvae_model.vq_layer.";
        string[] rest = ["vqbet.policy.", "vqbet.rgb_encoder.", "vqbet.state_projector.", "vqbet.action_token", "vqbet.action_head.map_to_cbet_preds_"];

        var start = Snapshot(policy);
        for (var step = 0; step < 3; step++)
        {
            Assert.False(policy.Discretized);
            var info = policy.TrainStep(() => SmallVqbet.TrainingBatch(8), optimizers, step);
            Assert.Contains("recon_l1_error", info.Keys);
        }
        Assert.True(policy.Discretized);
        Assert.True(Changed(start, policy, vqvae + "encoder."));
        Assert.True(Changed(start, policy, vqvae + "decoder."));
        Assert.True(Changed(start, policy, codebook), "the codebooks follow the encoder's outputs during the VQ-VAE phase");
        Assert.All(rest, prefix => Assert.False(Changed(start, policy, prefix), $"{prefix} changed during the VQ-VAE phase"));

        var afterVqvae = Snapshot(policy);
        for (var step = 3; step < 6; step++)
        {
            var info = policy.TrainStep(() => SmallVqbet.TrainingBatch(8), optimizers, step);
            Assert.Contains("offset_loss", info.Keys);
            Assert.True(double.IsFinite(info["loss"]));
        }
        Assert.False(Changed(afterVqvae, policy, vqvae), "the VQ-VAE (weights and codebooks) must stay frozen in the GPT phase");
        Assert.All(rest, prefix => Assert.True(Changed(afterVqvae, policy, prefix), $"{prefix} did not train in the GPT phase"));
    }

    [Fact]
    public void Optimizer_has_LeRobots_three_param_groups_with_their_rates_and_weight_decay()
    {
        var config = SmallVqbet.Config();
        using var policy = new VqbetPolicy(config);
        var groups = policy.MakeOptimizers(config.GetOptimizerPreset())[OptimizerSet.Default].ParamGroups().AsArray();
        Assert.Equal(3, groups.Count);
        Assert.Equal([1e-4, 1e-3, 1e-4], groups.Select(g => g!["lr"]!.GetValue<double>()));
        Assert.Equal([1e-6, 1e-4, 0.0], groups.Select(g => g!["weight_decay"]!.GetValue<double>()));
        var all = policy.parameters().Count();
        Assert.Equal(all, groups.Sum(g => g!["params"]!.AsArray().Count));
        // The VQ-VAE group is its encoder and decoder: 3 Linear layers each.
        Assert.Equal(12, groups[1]!["params"]!.AsArray().Count);
    }

    [Fact]
    public void Select_action_keeps_the_history_and_executes_the_whole_chunk_before_predicting_again()
    {
        torch.manual_seed(1);
        using var policy = new VqbetPolicy(SmallVqbet.Config());
        var first = new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = torch.randn(2, 4),
            [SmallVqbet.Camera] = torch.rand(2, 3, 24, 24),
        };
        torch.manual_seed(7);
        var action = policy.SelectAction(first);
        Assert.Equal(new long[] { 2, 2 }, action.shape);
        Assert.Equal(2, policy.QueuedActions!.shape[1]);

        // The first observation fills both history slots: the same chunk as a window of two copies of it.
        var window = first.ToDictionary(kv => kv.Key, kv => torch.stack([kv.Value, kv.Value], 1));
        torch.manual_seed(7);
        var chunk = policy.PredictActionChunk(window);
        Assert.Equal(new long[] { 2, 3, 2 }, chunk.shape);
        Assert.Equal(chunk[.., 0].data<float>().ToArray(), action.data<float>().ToArray());
        for (var i = 1; i < 3; i++)
            Assert.Equal(chunk[.., i].data<float>().ToArray(), policy.SelectAction(first).data<float>().ToArray());
        Assert.Null(policy.QueuedActions);
        policy.Reset();
        Assert.Null(policy.QueuedActions);
    }

    [Fact]
    public void Save_then_load_gives_bit_identical_actions_and_keeps_the_phase()
    {
        torch.manual_seed(3);
        var config = SmallVqbet.Config(vqvaeSteps: 2);
        using var policy = new VqbetPolicy(config);
        var optimizers = policy.MakeOptimizers(config.GetOptimizerPreset());
        for (var step = 0; step < 3; step++) policy.TrainStep(() => SmallVqbet.TrainingBatch(4), optimizers, step);
        Assert.True(policy.Discretized);
        var (pre, post) = PolicyFactory.MakeProcessors(config, SmallVqbet.Stats());
        policy.SavePretrained(_dir, pre, post);
        var (loaded, loadedPre, loadedPost) = PolicyFactory.LoadPretrained(_dir);
        Assert.True(((VqbetPolicy)loaded).Discretized);
        for (var t = 0; t < 4; t++)
        {
            var raw = new Dictionary<string, Tensor>
            {
                [PolicyKeys.ObservationState] = torch.tensor(new[] { 0.5f, -1, 2, t }),
                [SmallVqbet.Camera] = torch.rand(3, 24, 24),
            };
            torch.manual_seed(40 + t);
            var a = post.ProcessAction(policy.SelectAction(pre.ProcessBatch(raw)));
            torch.manual_seed(40 + t);
            var b = loadedPost!.ProcessAction(loaded.SelectAction(loadedPre!.ProcessBatch(raw)));
            Assert.Equal(new long[] { 1, 2 }, b.shape);
            Assert.Equal(a.bytes.ToArray(), b.bytes.ToArray());
        }
    }
}
