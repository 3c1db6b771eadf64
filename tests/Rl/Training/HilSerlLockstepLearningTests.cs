using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace RobotActors.Rl.Tests.Training;

/// <summary>
/// HIL-SERL as a whole, actor loop and learner in lockstep on the simulated workcell: the state-based push config
/// switched to reach_cube (5 s episodes) learns from the task's sparse reward with the scripted operator
/// intervening when the policy is stuck or heads out of bounds. Seeded, so it gives the same figures each run.
/// </summary>
public class HilSerlLockstepLearningTests(ITestOutputHelper output)
{
    private static TrainConfigFile Config(string intervention) => TrainConfigReader.Read(
        Repository.Path("examples", "hilserl", "train_config_hilserl_so101_sim_push_state.json"),
        [
            new("env.task", "reach_cube"), new("env.processor.reset.control_time_s", "5"), new("env.teleop.intervention", intervention),
            new("policy.online_step_before_learning", "100"),
        ]);

    private LockstepSummary Run(TrainConfigFile file, LockstepOptions options)
    {
        using var run = HilSerlLockstepRun.Open(file, options);
        return run.Run(e => output.WriteLine(
            $"episode {e.Episode}: return {e.Return:F2}, {(e.Success ? "success" : "failure")}, {e.Length} steps, intervention {e.InterventionRate:P0}, version {e.PolicyVersion}, {e.EnvSteps} env steps"));
    }

    [Fact]
    public void Sac_learns_reach_cube_from_state_and_the_operator_intervenes_less()
    {
        torch.set_num_threads(1);
        // The untrained actor, never helped, as the baseline the learned one must clearly beat.
        var untrained = Run(Config("never"), new LockstepOptions { Episodes = 10, UpdatesPerStep = 0, Window = 10, Seed = 7 });
        output.WriteLine($"untrained: success {untrained.SuccessRateLast:P0}");

        var learned = Run(Config("automatic"), new LockstepOptions { Episodes = 40, Window = 10, Seed = 7 });
        output.WriteLine($"learned: success over the last 10 {learned.SuccessRateLast:P0}, intervention first 10 {learned.InterventionRateFirst:P1}, " +
                         $"last 10 {learned.InterventionRateLast:P1}, {learned.EnvSteps} env steps, {learned.OptimizationSteps} updates, {learned.Wall.TotalSeconds:F0} s");

        Assert.True(learned.OptimizationSteps > 0);
        Assert.True(learned.SuccessRateLast >= untrained.SuccessRateLast + 0.3,
            $"success over the last 10 episodes {learned.SuccessRateLast:P0} is not clearly above the untrained actor's {untrained.SuccessRateLast:P0}");
        Assert.True(learned.InterventionRateLast < learned.InterventionRateFirst * 0.7,
            $"the operator intervened on {learned.InterventionRateLast:P1} of the last 10 episodes' steps, not clearly less than the first 10's {learned.InterventionRateFirst:P1}");
    }
}
