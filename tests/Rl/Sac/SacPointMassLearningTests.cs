using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Processors;
using RobotActors.Rl.Algorithms.Sac;
using RobotActors.Rl.Buffers;
using RobotActors.Rl.Data;
using RobotActors.Rl.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Sac;

/// <summary>
/// The learner as the runtime will run it, without actors: a gaussian_actor policy acting, its transitions
/// (in the environment's units) going into the replay buffer, and the RL trainer running one SAC update
/// per environment step through the mixer and the policy's preprocessor once online_step_before_learning
/// transitions are in.
/// </summary>
public class SacPointMassLearningTests(ITestOutputHelper output)
{
    /// <summary>Stats in the environment's units: positions in metres, actions as displacements.</summary>
    private static DatasetStats PointMassStats() => new DatasetStats()
        .Set(PolicyKeys.ObservationState, "min", [0, 0, 0, 0])
        .Set(PolicyKeys.ObservationState, "max", [1, 1, 1, 1])
        .Set(PolicyKeys.Action, "min", [-(float)PointMassEnv.MaxStep, -(float)PointMassEnv.MaxStep])
        .Set(PolicyKeys.Action, "max", [(float)PointMassEnv.MaxStep, (float)PointMassEnv.MaxStep]);

    private static Dictionary<string, float[]> State(float[] values) => new() { [PolicyKeys.ObservationState] = values };

    [Fact]
    public void Sac_with_state_observations_learns_to_reach_the_target_with_a_sparse_reward()
    {
        torch.set_num_threads(1);
        torch.manual_seed(11);
        const int envSteps = 6000, warmup = 500, batchSize = 128;
        var (policyConfig, algorithmConfig) = ReachingTasks.Split(ReachingTasks.SacConfig(hiddenDim: 64));
        policyConfig.InputFeatures[PolicyKeys.ObservationState] = new PolicyFeature(FeatureType.State, [4]);
        policyConfig.OutputFeatures[PolicyKeys.Action] = new PolicyFeature(FeatureType.Action, [2]);
        policyConfig.OnlineStepBeforeLearning = warmup;
        var policy = new GaussianActorPolicy(policyConfig);
        var algorithm = new SacAlgorithm(policy, algorithmConfig);
        var (pre, post) = GaussianActorProcessors.Make(policyConfig, PointMassStats());
        var trainer = new RlTrainer(algorithm, pre, new OnlineOfflineMixer(new ReplayBuffer(20_000, seed: 9)), batchSize,
            policyConfig.OnlineStepBeforeLearning, seed: 11);
        var env = new PointMassEnv(seed: 5);
        var random = new Random(3);

        var obs = env.Reset();
        for (var t = 0; t < envSteps; t++)
        {
            using var scope = torch.NewDisposeScope();
            // Random exploration until learning starts; the environment gets the unnormalized action, which is also what is stored.
            var normalized = t < warmup
                ? torch.tensor(new[] { (float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1) }).unsqueeze(0)
                : policy.SelectAction(pre.ProcessObservation(new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.tensor(obs) }));
            var action = post.ProcessAction(normalized).reshape(-1).data<float>().ToArray();
            var (next, reward, done, truncated) = env.Step(action[0], action[1]);
            Assert.True(trainer.AddTransition(new Transition(Observation.Of(State(obs)), action, reward, done, truncated, Observation.Of(State(next)))));
            obs = done || truncated ? env.Reset() : next;
            if (trainer.ReadyToLearn) trainer.TrainingStep();
        }

        var success = Evaluate(policy, pre, post, episodes: 100, seed: 1234);
        var status = trainer.Status();
        output.WriteLine($"success after {envSteps} env steps and {status.OptimizationStep} updates: {success:P0}; temperature {status.Temperature:G3}");
        Assert.Equal(envSteps - warmup + 1, status.OptimizationStep);
        Assert.True(success >= 0.9, $"success rate {success:P0} after {envSteps} environment steps; expected at least 90%");
    }

    private static double Evaluate(GaussianActorPolicy policy, ProcessorPipeline pre, ProcessorPipeline post, int episodes, int seed)
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
