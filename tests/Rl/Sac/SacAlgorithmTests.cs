using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Optim;
using RobotActors.Rl.Algorithms.Sac;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Sac;

public class SacAlgorithmTests
{
    public static GaussianActorConfig SmallPolicy(bool gripper = true) => new()
    {
        InputFeatures = { [PolicyKeys.ObservationState] = new(FeatureType.State, [4]) },
        OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [2]) },
        NumDiscreteActions = gripper ? 3 : null,
        LatentDim = 16,
        ActorNetworkKwargs = new() { HiddenDims = [16] },
        DiscreteCriticNetworkKwargs = new() { HiddenDims = [16] },
    };

    public static SacAlgorithmConfig SmallAlgorithm(int utd = 1, int policyUpdateFreq = 1) => new()
    {
        CriticNetworkKwargs = new() { HiddenDims = [16] },
        DiscreteCriticNetworkKwargs = new() { HiddenDims = [16] },
        UtdRatio = utd,
        PolicyUpdateFreq = policyUpdateFreq,
    };

    private static SacBatch Batch()
    {
        var obs = new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.randn(8, 4) };
        var next = new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.randn(8, 4) };
        var action = torch.cat([torch.rand(8, 2) * 2 - 1, torch.randint(0, 3, [8, 1]).to(float32)], 1);
        return new SacBatch(obs, action, torch.rand(8), torch.zeros(8), next, torch.full(8, -0.1f));
    }

    /// <summary>Counts the steps an optimizer takes.</summary>
    private sealed class Counting(IPolicyOptimizer inner) : IPolicyOptimizer
    {
        public int Steps { get; private set; }
        public double LearningRate { get => inner.LearningRate; set => inner.LearningRate = value; }
        public double GradClipNorm => inner.GradClipNorm;
        public IReadOnlyList<Parameter> Parameters => inner.Parameters;
        public void ZeroGrad() => inner.ZeroGrad();
        public double Step() { Steps++; return inner.Step(); }
        public Dictionary<string, Tensor> StateTensors() => inner.StateTensors();
        public JsonNode ParamGroups() => inner.ParamGroups();
        public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, JsonNode paramGroups) => inner.LoadState(tensors, paramGroups);
    }

    [Fact]
    public void Each_update_draws_utd_ratio_batches_and_steps_the_actor_policy_update_freq_times_every_policy_update_freq_steps()
    {
        torch.manual_seed(1);
        var algorithm = new SacAlgorithm(new GaussianActorPolicy(SmallPolicy()), SmallAlgorithm(utd: 3, policyUpdateFreq: 2));
        var counting = algorithm.MakeOptimizers().ByName.ToDictionary(kv => kv.Key, kv => new Counting(kv.Value));
        algorithm.Optimizers = new OptimizerSet(counting.ToDictionary(kv => kv.Key, kv => (IPolicyOptimizer)kv.Value));
        var drawn = 0;
        IEnumerator<SacBatch> Batches()
        {
            while (true) { drawn++; yield return Batch(); }
        }
        var batches = Batches();
        var actorSteps = new List<int>();
        for (var step = 0; step < 4; step++)
        {
            var before = counting["actor"].Steps;
            var info = algorithm.Update(batches);
            actorSteps.Add(counting["actor"].Steps - before);
            Assert.Equal(step % 2 == 0, info.ContainsKey("loss_actor"));
        }
        Assert.Equal(12, drawn);
        Assert.Equal(12, counting["critic"].Steps);
        Assert.Equal(12, counting["discrete_critic"].Steps);
        Assert.Equal(new[] { 2, 0, 2, 0 }, actorSteps);
        Assert.Equal(4, counting["temperature"].Steps);
        Assert.Equal(4, algorithm.OptimizationStep);
    }

    [Fact]
    public void The_targets_move_towards_the_critics_by_tau_once_per_critic_sub_step_and_start_equal()
    {
        torch.manual_seed(2);
        var config = SmallAlgorithm(utd: 2);
        var algorithm = new SacAlgorithm(new GaussianActorPolicy(SmallPolicy()), config);
        algorithm.MakeOptimizers();
        float Gap() => (algorithm.CriticEnsemble.parameters().First() - algorithm.CriticTarget.parameters().First()).abs().sum().item<float>();
        Assert.Equal(0f, Gap());
        var target = algorithm.CriticTarget.parameters().First().clone();
        algorithm.Update(Batch);
        var online = algorithm.CriticEnsemble.parameters().First();
        // Two sub-steps moved the target twice by τ = 0.005 of the gap; it stays far closer to where it was than the critic.
        var moved = (algorithm.CriticTarget.parameters().First() - target).abs().sum().item<float>();
        Assert.True(moved > 0 && moved < 0.02 * (online - target).abs().sum().item<float>(), $"the target moved {moved}");
        Assert.All(algorithm.CriticTarget.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void The_algorithm_state_holds_critics_targets_and_log_alpha_but_not_the_encoder_or_actor()
    {
        var algorithm = new SacAlgorithm(new GaussianActorPolicy(SmallPolicy()), SmallAlgorithm());
        var keys = algorithm.AlgorithmStateDict().Keys.ToList();
        Assert.Contains("log_alpha", keys);
        Assert.Contains(keys, k => k.StartsWith("critic_ensemble.critics.1.output_layer.", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("discrete_critic_target.output_layer.", StringComparison.Ordinal));
        Assert.DoesNotContain(keys, k => k.Contains("encoder") || k.StartsWith("actor.", StringComparison.Ordinal));
        Assert.Equal(-1.5, algorithm.TargetEntropy);
    }

    [Fact]
    public void An_iterator_that_ends_inside_an_update_is_an_error_not_a_silent_short_update()
    {
        var algorithm = new SacAlgorithm(new GaussianActorPolicy(SmallPolicy()), SmallAlgorithm(utd: 2));
        algorithm.MakeOptimizers();
        var one = new List<SacBatch> { Batch() }.GetEnumerator();
        Assert.Contains("batch iterator ended", Assert.Throws<InvalidOperationException>(() => algorithm.Update(one)).Message);
    }

    [Fact]
    public void Algorithm_fields_have_ranges_checked_when_read_and_named_as_flags_or_file_fields()
    {
        Assert.Empty(ConfigRanges.Find(new SacAlgorithmConfig()));
        var flag = Assert.Throws<PolicyConfigException>(() => SacAlgorithmConfig.FromJson(null, new Dictionary<string, string> { ["discount"] = "0" }));
        Assert.Equal("--algorithm.discount must be in (0, 1], got 0", flag.Message);
        var file = Assert.Throws<PolicyConfigException>(() => SacAlgorithmConfig.FromJson(JsonNode.Parse("""{"type": "sac", "utd_ratio": 0, "critic_network_kwargs": {"hidden_dims": [256, -1]}}""")!.AsObject(), source: "train_config.json"));
        Assert.StartsWith("train_config.json: algorithm.", file.Message);
        Assert.Contains("utd_ratio must be >= 1, got 0", file.Message);
        Assert.Contains("critic_network_kwargs.hidden_dims[1]", file.Message);
        var subsample = new SacAlgorithmConfig { NumSubsampleCritics = 3 };
        Assert.Contains("num_subsample_critics=3 must be at most num_critics=2",
            Assert.Throws<PolicyConfigException>(() => new SacAlgorithm(new GaussianActorPolicy(SmallPolicy()), subsample)).Message);
    }
}
