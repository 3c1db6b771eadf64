using RobotActors.Policies.Configs;
using RobotActors.Policies.Tdmpc;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Tdmpc;

public class TdmpcPolicyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tdmpc-").FullName;

    public TdmpcPolicyTests() => torch.set_num_threads(1); // small models: more threads only contend on the 2-core CI machine

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    [Fact]
    public void Forward_gives_a_finite_loss_and_LeRobots_log_entries()
    {
        torch.manual_seed(0);
        using var policy = new TdmpcPolicy(SmallTdmpc.Config());
        var (loss, info) = policy.Forward(SmallTdmpc.Windows(8, 3));
        Assert.True(float.IsFinite(loss.item<float>()));
        foreach (var key in new[] { "consistency_loss", "reward_loss", "Q_value_loss", "V_value_loss", "pi_loss", "sum_loss", "Q", "V", "advantage" })
            Assert.True(info.ContainsKey(key), key);
        var expected = 20.0 * info["consistency_loss"] + 0.5 * info["reward_loss"] + 0.1 * info["Q_value_loss"] + 0.1 * info["V_value_loss"] + 0.5 * info["pi_loss"];
        Assert.Equal(expected, loss.item<float>(), 4);
    }

    [Fact]
    public void A_batch_without_rewards_is_refused_naming_the_key()
    {
        using var policy = new TdmpcPolicy(SmallTdmpc.Config());
        var batch = SmallTdmpc.Windows(4, 3);
        batch.Remove(PolicyKeys.Reward);
        var e = Assert.Throws<PolicyConfigException>(() => policy.Forward(batch));
        Assert.StartsWith("tdmpc: the training batch has no 'next.reward'", e.Message);
    }

    [Fact]
    public void Padded_steps_do_not_count_in_the_loss()
    {
        torch.manual_seed(2);
        using var policy = new TdmpcPolicy(SmallTdmpc.Config());
        var batch = SmallTdmpc.Windows(6, 3);
        batch["action_is_pad"][.., 2] = torch.tensor(true);
        batch["next.reward_is_pad"][.., 2] = torch.tensor(true);
        batch["observation.state_is_pad"][.., 3] = torch.tensor(true);
        torch.manual_seed(5);
        var before = policy.Forward(batch).Info;
        var changed = new Dictionary<string, Tensor>(batch) { [PolicyKeys.Reward] = batch[PolicyKeys.Reward].clone() };
        changed[PolicyKeys.Reward][.., 2] = torch.tensor(50f);
        torch.manual_seed(5);
        var after = policy.Forward(changed).Info;
        Assert.Equal(before["reward_loss"], after["reward_loss"], 6);
        Assert.Equal(before["Q_value_loss"], after["Q_value_loss"], 6);
        changed[PolicyKeys.Reward][.., 1] = torch.tensor(50f);
        torch.manual_seed(5);
        Assert.True(policy.Forward(changed).Info["reward_loss"] > before["reward_loss"] + 1);
    }

    [Fact]
    public void Select_action_repeats_the_planned_action_n_action_repeats_times_then_plans_again()
    {
        using var policy = new TdmpcPolicy(SmallTdmpc.Config(repeats: 2));
        var observation = SmallTdmpc.Observation();
        var first = policy.SelectAction(observation);
        Assert.Equal(new long[] { 2, 2 }, first.shape);
        Assert.True(first.abs().max().item<float>() <= 1f);
        Assert.Equal(Values(first), Values(policy.SelectAction(SmallTdmpc.Observation())));
        Assert.Null(policy.QueuedActions);
        policy.SelectAction(observation);
        Assert.Equal(1, policy.QueuedActions!.shape[1]);
        policy.Reset();
        Assert.Null(policy.QueuedActions);
    }

    [Fact]
    public void With_n_action_steps_select_action_executes_the_first_steps_of_the_plan_in_order()
    {
        using var policy = new TdmpcPolicy(SmallTdmpc.Config(horizon: 4, steps: 3));
        var observation = SmallTdmpc.Observation();
        torch.manual_seed(3);
        var plan = policy.PredictActionChunk(observation);
        Assert.Equal(new long[] { 2, 4, 2 }, plan.shape);
        policy.Reset();
        torch.manual_seed(3);
        for (var i = 0; i < 3; i++)
            Assert.Equal(Values(plan[.., i]), Values(policy.SelectAction(i == 0 ? observation : SmallTdmpc.Observation())));
        Assert.Null(policy.QueuedActions);
    }

    [Fact]
    public void Without_mpc_the_action_is_pis()
    {
        using var policy = new TdmpcPolicy(SmallTdmpc.Config(mpc: false));
        var observation = SmallTdmpc.Observation();
        var expected = policy.Model.Pi(policy.Model.Encode(observation)).detach();
        Assert.Equal(Values(expected), Values(policy.SelectAction(observation)));
    }

    [Fact]
    public void Update_moves_the_target_model_towards_the_model_by_one_minus_target_model_momentum()
    {
        torch.manual_seed(4);
        using var policy = new TdmpcPolicy(SmallTdmpc.Config());
        var optimizers = policy.MakeOptimizers(policy.Config.GetOptimizerPreset());
        var target = policy.TargetModel.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        Assert.All(policy.TargetModel.parameters(), p => Assert.False(p.requires_grad));
        policy.TrainStep(() => SmallTdmpc.Windows(8, 3), optimizers, 0); // steps the model, then Update()
        var model = policy.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, now) in policy.TargetModel.named_parameters())
        {
            var expected = target[name] * 0.995 + model[name].detach() * 0.005;
            Assert.True(now.allclose(expected, rtol: 1e-5, atol: 1e-6), name);
        }
    }

    [Fact]
    public void Save_then_load_gives_bit_identical_planned_actions()
    {
        torch.manual_seed(6);
        var config = SmallTdmpc.Config(repeats: 1);
        using var policy = new TdmpcPolicy(config);
        var optimizers = policy.MakeOptimizers(config.GetOptimizerPreset());
        for (var i = 0; i < 5; i++) policy.TrainStep(() => SmallTdmpc.Windows(8, 3), optimizers, i);
        var observations = Enumerable.Range(0, 4).Select(_ => SmallTdmpc.Observation()).ToList();
        policy.SavePretrained(_dir);

        List<float[]> Rollout(PreTrainedPolicy p)
        {
            p.Reset();
            torch.manual_seed(42); // the planner's samples
            return observations.Select(o => Values(p.SelectAction(o))).ToList();
        }
        var before = Rollout(policy);
        var (loaded, _, _) = PolicyFactory.LoadPretrained(_dir);
        using (loaded)
        {
            Assert.IsType<TdmpcPolicy>(loaded);
            var after = Rollout(loaded);
            for (var i = 0; i < before.Count; i++) Assert.Equal(before[i], after[i]);
        }
    }
}
