using RobotActors.Policies.Configs;
using RobotActors.Policies.Tdmpc;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Training;
using TorchSharp;

namespace RobotActors.Rl.Tests.Training;

/// <summary>
/// The online TD-MPC run on the simulated workcell's reach_cube, tiny and short: it opens the env, acts at random,
/// then plans and trains; the same seed gives the same episodes and losses. How well it learns is a command's
/// figure (`robotactors bench tdmpc`), not a test's.
/// </summary>
public class TdmpcOnlineRunTests
{
    private static HilSerlRobotEnvConfig Env() => TrainConfigReader.Read(
        Repository.Path("examples", "hilserl", "train_config_hilserl_so101_sim_push_state.json"),
        [new("env.task", "reach_cube"), new("env.processor.reset.control_time_s", "2")]).Env!;

    private static TdmpcConfig Tiny() => (TdmpcConfig)PreTrainedConfig.Create("tdmpc",
    [
        new("latent_dim", "8"), new("mlp_dim", "16"), new("state_encoder_hidden_dim", "16"), new("q_ensemble_size", "2"),
        new("n_gaussian_samples", "16"), new("n_pi_samples", "4"), new("n_elites", "4"), new("cem_iterations", "2"), new("horizon", "3"),
    ]);

    private static (List<TdmpcEpisode> Episodes, TdmpcOnlineSummary Summary, int StateWidth) Run()
    {
        torch.set_num_threads(1);
        var episodes = new List<TdmpcEpisode>();
        using var run = TdmpcOnlineRun.Open(Env(), "test", Tiny(), new TdmpcOnlineOptions
        {
            Episodes = 3, SeedEpisodes = 2, PretrainUpdates = 5, BatchSize = 8, EvalEpisodes = 1, Seed = 5,
        });
        var summary = run.Run(episodes.Add);
        return (episodes, summary, run.Config.InputFeatures[PolicyKeys.ObservationState].Shape[0]);
    }

    [Fact]
    public void The_run_seeds_plans_trains_and_evaluates_and_the_same_seed_gives_the_same_figures()
    {
        var (first, summary, stateWidth) = Run();
        Assert.Equal(["seed", "seed", "train", "eval"], first.Select(e => e.Phase));
        Assert.Equal(15, stateWidth); // the env's observation.state became the policy's input
        Assert.True(first.All(e => e.Length is > 0 and <= 20), string.Join(", ", first.Select(e => e.Length)));
        var trained = first[2];
        Assert.Equal(5 + trained.Length, trained.Updates); // the pretrain burst, then one update per env step
        Assert.Equal(trained.Updates, first[3].Updates);  // no updates while evaluating
        Assert.True(double.IsFinite(trained.LastLoss["loss"]));
        Assert.Equal(3, summary.Episodes);

        var (second, _, _) = Run();
        Assert.Equal(first.Select(e => (e.Return, e.Length, e.Updates)), second.Select(e => (e.Return, e.Length, e.Updates)));
        Assert.Equal(trained.LastLoss["loss"], second[2].LastLoss["loss"]);
    }
}
