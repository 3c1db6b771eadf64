using RobotActors.Policies.Configs;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RobotActors.Plugins.DitFlow.Tests;

public class LearningTests(ITestOutputHelper log)
{
    private const int Chunk = 8;

    // Reach: from the arm's position (observation.state) to a goal (observation.environment_state) in a straight
    // line, one chunk_size-th of the way per step. Deterministic, so a policy that learned it samples the demonstration.
    private static Dictionary<string, Tensor> ReachBatch(Random random, int batch)
    {
        var state = Training.Uniform(random, [batch, 2], -1, 1);
        var goal = Training.Uniform(random, [batch, 2], -1, 1);
        var fraction = torch.arange(1, Chunk + 1, dtype: float32).reshape(1, Chunk, 1) / Chunk;
        return new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = state,
            [PolicyKeys.ObservationEnvironmentState] = goal,
            [PolicyKeys.Action] = state.unsqueeze(1) + fraction * (goal - state).unsqueeze(1),
            [PolicyKeys.Action + PolicyKeys.PadSuffix] = torch.zeros(batch, Chunk, dtype: ScalarType.Bool),
        };
    }

    [Fact]
    public void It_learns_a_reaching_task_from_demonstrations()
    {
        var config = DitFlowPlugin.Config(new Dictionary<string, PolicyFeature>
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [2]),
            [PolicyKeys.ObservationEnvironmentState] = new(FeatureType.Env, [2]),
        }, 2, ("hidden_dim", "32"), ("num_layers", "2"), ("num_heads", "2"), ("chunk_size", $"{Chunk}"), ("n_action_steps", "4"),
            ("dropout", "0"), ("optimizer_lr", "3e-3"), ("num_inference_steps", "10"));
        torch.manual_seed(0);
        using var policy = DitFlowPlugin.Make(config);
        var test = ReachBatch(new Random(99), 128);
        double Error()
        {
            torch.manual_seed(5);
            using var noGrad = torch.no_grad();
            return (policy.PredictActionChunk(test) - test[PolicyKeys.Action]).abs().mean().item<float>();
        }
        var before = Error();
        var constant = (test[PolicyKeys.Action] - test[PolicyKeys.Action].mean([0], keepdim: true)).abs().mean().item<float>();
        var (first, last) = Training.Run(policy, r => ReachBatch(r, 64), steps: 400, seed: 1);
        var after = Error();
        log.WriteLine($"loss {DitFlowPlugin.F(first)} -> {DitFlowPlugin.F(last)}; chunk error untrained {DitFlowPlugin.F(before)}, " +
                      $"best constant {DitFlowPlugin.F(constant)}, trained {DitFlowPlugin.F(after)}");
        Assert.True(last < first / 4, $"the flow loss did not fall: {first} -> {last}");
        Assert.True(after < constant / 4, $"sampled chunks miss the demonstrations by {after} on average (a constant chunk: {constant})");

        // select_action executes n_action_steps of a chunk, then samples the next one.
        policy.Reset();
        var one = test.Where(kv => kv.Key.StartsWith("observation.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value[..1]);
        var steps = Enumerable.Range(0, 4).Select(_ => policy.SelectAction(one)).ToList();
        Assert.All(steps, a => Assert.Equal(new long[] { 1, 2 }, a.shape));
        for (var i = 0; i < 4; i++)
            Assert.True((steps[i] - test[PolicyKeys.Action][..1, i]).abs().max().item<float>() < 0.25, $"step {i} strays from the demonstration");
    }
}
