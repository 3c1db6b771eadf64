using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Sac;
using RobotActors.Rl.Algorithms.Sac;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Sac;

public class SacPointMassLearningTests(ITestOutputHelper output)
{
    private static SacConfig PointMassConfig()
    {
        var config = ReachingTasks.SacConfig(hiddenDim: 64);
        config.InputFeatures[PolicyKeys.ObservationState] = new PolicyFeature(FeatureType.State, [4]);
        config.OutputFeatures[PolicyKeys.Action] = new PolicyFeature(FeatureType.Action, [2]);
        return config;
    }

    /// <summary>Stats in the environment's units: positions in metres, actions as displacements.</summary>
    private static DatasetStats PointMassStats() => new DatasetStats()
        .Set(PolicyKeys.ObservationState, "min", [0, 0, 0, 0])
        .Set(PolicyKeys.ObservationState, "max", [1, 1, 1, 1])
        .Set(PolicyKeys.Action, "min", [-(float)PointMassEnv.MaxStep, -(float)PointMassEnv.MaxStep])
        .Set(PolicyKeys.Action, "max", [(float)PointMassEnv.MaxStep, (float)PointMassEnv.MaxStep]);

    [Fact]
    public void Sac_with_state_observations_learns_to_reach_the_target_with_a_sparse_reward()
    {
        torch.set_num_threads(1);
        torch.manual_seed(11);
        var config = PointMassConfig();
        var policy = new SacPolicy(config);
        var (pre, post) = SacProcessors.Make(config, PointMassStats());
        var optimizers = config.GetOptimizerPreset().Build(policy.GetOptimParams());
        var env = new PointMassEnv(seed: 5);
        var buffer = new TransitionBuffer(20_000, obsDim: 4, actionDim: 2, seed: 9);
        var random = new Random(3);

        const int envSteps = 6000, warmup = 500, batchSize = 128;
        var obs = env.Reset();
        long updates = 0;
        for (var t = 0; t < envSteps; t++)
        {
            using var scope = torch.NewDisposeScope();
            var normalizedObs = pre.ProcessObservation(new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.tensor(obs) });
            // The buffer stores the normalized action the policy produced; the environment gets it unnormalized.
            float[] normalizedAction = t < warmup
                ? [(float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1)]
                : policy.SelectAction(normalizedObs).reshape(-1).data<float>().ToArray();
            var envAction = post.ProcessAction(torch.tensor(normalizedAction).unsqueeze(0)).reshape(-1).data<float>().ToArray();
            var (next, reward, done, truncated) = env.Step(envAction[0], envAction[1]);
            var normalizedNext = pre.ProcessObservation(new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.tensor(next) });
            buffer.Add(normalizedObs[PolicyKeys.ObservationState].reshape(-1).data<float>().ToArray(), normalizedAction, reward, done,
                normalizedNext[PolicyKeys.ObservationState].reshape(-1).data<float>().ToArray());
            obs = done || truncated ? env.Reset() : next;
            if (t >= warmup) policy.TrainStep(() => buffer.Sample(batchSize), optimizers, updates++);
        }

        var success = Evaluate(policy, pre, post, episodes: 100, seed: 1234);
        output.WriteLine($"success after {envSteps} env steps: {success:P0}; temperature {policy.Temperature:G3}");
        Assert.True(success >= 0.9, $"success rate {success:P0} after {envSteps} environment steps; expected at least 90%");
    }

    private static double Evaluate(SacPolicy policy, ProcessorPipeline pre, ProcessorPipeline post, int episodes, int seed)
    {
        policy.DeterministicActions = true;
        policy.eval();
        var env = new PointMassEnv(seed);
        var success = ReachingTasks.SuccessRate(episodes, () => env.Reset(), () =>
        {
            using var scope = torch.NewDisposeScope();
            var batch = pre.ProcessObservation(new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.tensor(env.Observation) });
            var action = post.ProcessAction(policy.SelectAction(batch)).reshape(-1).data<float>().ToArray();
            var (_, _, done, truncated) = env.Step(action[0], action[1]);
            return (done, truncated);
        });
        policy.DeterministicActions = false;
        return success;
    }
}
