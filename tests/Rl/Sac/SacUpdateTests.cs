using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Sac;
using RobotActors.Rl.Algorithms.Sac;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Sac;

public class SacUpdateTests
{
    private static SacConfig Config(int policyUpdateFreq = 1, int utd = 1) => new()
    {
        InputFeatures = { [PolicyKeys.ObservationState] = new(FeatureType.State, [4]) },
        OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [2]) },
        NumDiscreteActions = 3,
        LatentDim = 16,
        CriticNetworkKwargs = new() { HiddenDims = [16] },
        ActorNetworkKwargs = new() { HiddenDims = [16] },
        DiscreteCriticNetworkKwargs = new() { HiddenDims = [16] },
        PolicyUpdateFreq = policyUpdateFreq,
        UtdRatio = utd,
    };

    private static SacBatch Batch(float penalty)
    {
        torch.manual_seed(8);
        var obs = new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.randn(8, 4) };
        var next = new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.randn(8, 4) };
        var action = torch.cat([torch.rand(8, 2) * 2 - 1, torch.randint(0, 3, [8, 1]).to(float32)], 1);
        return new SacBatch(obs, action, torch.rand(8), torch.zeros(8), next, torch.full(8, penalty));
    }

    private static byte[] Actor(SacPolicy p) => p.StateDict()["actor.mean_layer.weight"].bytes.ToArray();

    [Fact]
    public void The_actor_and_temperature_step_only_every_policy_update_freq_steps()
    {
        torch.manual_seed(1);
        var config = Config(policyUpdateFreq: 2);
        var policy = new SacPolicy(config);
        var optimizers = config.GetOptimizerPreset().Build(policy.GetOptimParams());
        var batch = Batch(0);

        var before = Actor(policy);
        var odd = policy.Update(() => batch, optimizers, step: 1);
        Assert.Equal(before, Actor(policy));
        Assert.False(odd.ContainsKey("loss_actor"));
        Assert.Equal(1.0, odd["temperature"], 9);

        var even = policy.Update(() => batch, optimizers, step: 2);
        Assert.NotEqual(before, Actor(policy));
        Assert.True(even.ContainsKey("loss_actor") && even.ContainsKey("loss_temperature") && even.ContainsKey("loss_discrete_critic"));
        Assert.NotEqual(1.0, even["temperature"]);
    }

    [Fact]
    public void Utd_ratio_draws_one_fresh_batch_per_critic_sub_step()
    {
        torch.manual_seed(2);
        var config = Config(utd: 3);
        var policy = new SacPolicy(config);
        var optimizers = config.GetOptimizerPreset().Build(policy.GetOptimParams());
        var drawn = 0;
        policy.Update(() => { drawn++; return Batch(0); }, optimizers, 0);
        Assert.Equal(3, drawn);
    }

    [Fact]
    public void The_gripper_penalty_enters_the_discrete_critic_target_on_the_last_utd_sub_step_too()
    {
        float DiscreteLoss(float penalty)
        {
            torch.manual_seed(3);
            var config = Config(utd: 2);
            var policy = new SacPolicy(config);
            var optimizers = config.GetOptimizerPreset().Build(policy.GetOptimParams());
            // Only the last UTD sub-step (where LeRobot drops the penalty) sees it, and its loss is the one reported.
            var call = 0;
            return (float)policy.Update(() => Batch(++call == 2 ? penalty : 0f), optimizers, 0)["loss_discrete_critic"];
        }
        Assert.NotEqual(DiscreteLoss(0f), DiscreteLoss(-1f));
    }

    [Fact]
    public void Deterministic_selection_repeats_and_stochastic_selection_varies_within_the_unit_box()
    {
        torch.manual_seed(4);
        var policy = new SacPolicy(Config());
        var obs = new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.randn(16, 4) };
        policy.DeterministicActions = true;
        Assert.Equal(policy.SelectAction(obs).bytes.ToArray(), policy.SelectAction(obs).bytes.ToArray());
        policy.DeterministicActions = false;
        var a = policy.SelectAction(obs);
        Assert.NotEqual(a.bytes.ToArray(), policy.SelectAction(obs).bytes.ToArray());
        var continuous = a[.., ..2];
        Assert.True(continuous.abs().max().item<float>() < 1f);
        Assert.All(a[.., 2].data<float>().ToArray(), g => Assert.Contains(g, new[] { 0f, 1f, 2f }));
    }
}
