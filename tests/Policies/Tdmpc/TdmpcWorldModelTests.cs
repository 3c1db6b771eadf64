using RobotActors.Policies.Configs;
using RobotActors.Policies.Tdmpc;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Tdmpc;

/// <summary>
/// The TOLD model learning a tiny synthetic system: the state moves by the action (s' = s + 0.3·[a, −a]), the
/// environment state stays, and the reward is r = s₀·a₀ + 0.5·a₁ — a function of the latent and the action the
/// reward head must learn through the latent dynamics.
/// </summary>
public class TdmpcWorldModelTests
{
    private static Dictionary<string, Tensor> SyntheticWindows(int batch, int horizon)
    {
        var states = new List<Tensor> { torch.rand(batch, 4) * 2 - 1 };
        var env = torch.rand(batch, 2) * 2 - 1;
        var actions = torch.rand(batch, horizon, 2) * 2 - 1;
        var rewards = new List<Tensor>();
        for (var t = 0; t < horizon; t++)
        {
            var a = actions[.., t];
            var s = states[t];
            rewards.Add(s[.., 0] * a[.., 0] + 0.5 * a[.., 1]);
            states.Add(s + 0.3 * torch.cat([a, -a], 1));
        }
        var b = new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = torch.stack(states, 1),
            [PolicyKeys.ObservationEnvironmentState] = env.unsqueeze(1).expand(batch, horizon + 1, 2),
            [PolicyKeys.Action] = actions,
            [PolicyKeys.Reward] = torch.stack(rewards, 1),
        };
        foreach (var key in b.Keys.ToList())
            b[key + PolicyKeys.PadSuffix] = torch.zeros(batch, b[key].shape[1], dtype: ScalarType.Bool);
        return b;
    }

    [Fact]
    public void The_world_model_learns_a_synthetic_dynamics_and_reward()
    {
        torch.set_num_threads(1);
        torch.manual_seed(11);
        var config = SmallTdmpc.Config(horizon: 3);
        config.OptimizerLr = 1e-3;
        using var policy = new TdmpcPolicy(config);
        var optimizers = policy.MakeOptimizers(config.GetOptimizerPreset());
        var probe = SyntheticWindows(256, 3);

        (double Reward, double Consistency, double Error) Measure()
        {
            using var noGrad = torch.no_grad();
            torch.manual_seed(99);
            var info = policy.Forward(probe).Info;
            // One-step reward predictions from the encoded first observation against the true rewards.
            var z = policy.Model.Encode(new Dictionary<string, Tensor>
            {
                [PolicyKeys.ObservationState] = probe[PolicyKeys.ObservationState][.., 0],
                [PolicyKeys.ObservationEnvironmentState] = probe[PolicyKeys.ObservationEnvironmentState][.., 0],
            });
            var predicted = policy.Model.LatentDynamicsAndReward(z, probe[PolicyKeys.Action][.., 0]).Reward;
            var error = (predicted - probe[PolicyKeys.Reward][.., 0]).abs().mean().item<float>();
            return (info["reward_loss"], info["consistency_loss"], error);
        }

        var before = Measure();
        for (var step = 0; step < 400; step++) policy.TrainStep(() => SyntheticWindows(64, 3), optimizers, step);
        var after = Measure();

        var spread = probe[PolicyKeys.Reward][.., 0].abs().mean().item<float>();
        Assert.True(after.Reward < before.Reward * 0.2, $"reward loss {before.Reward:F4} -> {after.Reward:F4}");
        Assert.True(after.Error < 0.3 * spread, $"mean |predicted − true reward| {after.Error:F4} vs mean |reward| {spread:F4} (untrained {before.Error:F4})");
        Assert.True(double.IsFinite(after.Consistency) && after.Consistency < 0.05, $"consistency loss {before.Consistency:F5} -> {after.Consistency:F5}");
    }
}
