using System.CommandLine;
using System.Globalization;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Tdmpc;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Training;
using TorchSharp;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors bench tdmpc`: TD-MPC learning a simulated task online in lockstep (<see cref="TdmpcOnlineRun"/>), on
/// the env section of a HIL-SERL train config (its policy section is not used); prints a line per episode and the
/// success rate over the last episodes. --policy.&lt;field&gt;=value sets TD-MPC config fields, --env.&lt;key&gt;=value
/// overrides the config's env keys (e.g. --env.task=reach_cube).
/// </summary>
public static class BenchTdmpcCommand
{
    private static readonly string[] OwnFlags =
    [
        "config_path", "episodes", "seed_episodes", "pretrain_updates", "updates_per_step", "batch_size", "exploration_std", "exploration_episodes",
        "eval_episodes", "seed", "window", "threads", "output_dir", "verbose",
    ];

    public static Command Create()
    {
        var command = new Command("tdmpc", "TD-MPC learning a simulated task online from its reward, in lockstep: per-episode return and success, success rate over the last episodes.");
        Option[] documented =
        [
            new Option<string?>("--config_path") { Description = "A train config with an env section on the sim, e.g. examples/hilserl/train_config_hilserl_so101_sim_push_state.json (with --env.task=reach_cube)." },
            new Option<int?>("--episodes") { Description = "Training episodes, seed episodes included (100)." },
            new Option<int?>("--seed_episodes") { Description = "First episodes with random actions; the normalization statistics come from them (5)." },
            new Option<int?>("--pretrain_updates") { Description = "Updates after the seed episodes, before the planner acts (default: one per seed step)." },
            new Option<int?>("--updates_per_step") { Description = "Gradient steps per env step after the seed episodes (1)." },
            new Option<int?>("--batch_size") { Description = "Windows per gradient step (128)." },
            new Option<string?>("--exploration_std") { Description = "Exploration noise std start,end (0.5,0.05), falling linearly over --exploration_episodes (40)." },
            new Option<int?>("--exploration_episodes") { Description = "Episodes over which the exploration noise falls (40)." },
            new Option<int?>("--eval_episodes") { Description = "Episodes after training with the planner alone, no noise, no updates (0)." },
            new Option<int?>("--seed") { Description = "Scene, torch and buffer seed (1000)." },
            new Option<int?>("--window") { Description = "Episodes the final success rate is taken over (20)." },
            new Option<int?>("--threads") { Description = "Torch CPU threads (1)." },
            new Option<string?>("--output_dir") { Description = "Save the trained policy here (config.json, model.safetensors, processors)." },
        ];
        foreach (var o in documented) command.Add(o);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancel) => EnvCommandErrors.Run(() => Task.FromResult(Run(DottedFlags.Parse(parse, command), cancel)), parse.GetValue(CliOptions.Verbose)));
        return command;
    }

    private static int Run(List<KeyValuePair<string, string>> flags, CancellationToken cancel)
    {
        var configPath = DottedFlags.Get(flags, "config_path")
            ?? throw new ArgumentException("--config_path is required: a train config with an env section on the sim (e.g. examples/hilserl/train_config_hilserl_so101_sim_push_state.json).");
        if (!File.Exists(configPath)) throw new ArgumentException($"--config_path {configPath}: no such file.");
        int? Int(string key) => DottedFlags.Int(DottedFlags.Get(flags, key), "--" + key);
        var std = (DottedFlags.Get(flags, "exploration_std") ?? "0.5,0.05").Split(',');
        if (std.Length != 2 || !double.TryParse(std[0], CultureInfo.InvariantCulture, out var stdStart) || !double.TryParse(std[1], CultureInfo.InvariantCulture, out var stdEnd) || stdStart < 0 || stdEnd < 0)
            throw new ArgumentException($"--exploration_std {string.Join(",", std)}: two non-negative numbers start,end (e.g. 0.5,0.05).");
        var options = new TdmpcOnlineOptions
        {
            Episodes = Int("episodes") ?? 100,
            SeedEpisodes = Int("seed_episodes") ?? 5,
            PretrainUpdates = Int("pretrain_updates"),
            UpdatesPerStep = Int("updates_per_step") ?? 1,
            BatchSize = Int("batch_size") ?? 128,
            ExplorationStdStart = stdStart,
            ExplorationStdEnd = stdEnd,
            ExplorationEpisodes = Int("exploration_episodes") ?? 40,
            EvalEpisodes = Int("eval_episodes") ?? 0,
            Seed = Int("seed") ?? 1000,
            Window = Int("window") ?? 20,
        };
        var threads = Int("threads") ?? 1;
        if (threads is < 1 or > 64) throw new ArgumentException($"--threads {threads}: between 1 and 64.");
        torch.set_num_threads(threads);
        var rest = flags.Where(kv => !OwnFlags.Contains(kv.Key)).ToList();
        var policyOverrides = rest.Where(kv => kv.Key.StartsWith("policy.", StringComparison.Ordinal))
            .Select(kv => new KeyValuePair<string, string>(kv.Key["policy.".Length..], kv.Value)).ToList();
        var unknown = rest.Where(kv => !kv.Key.StartsWith("policy.", StringComparison.Ordinal) && !kv.Key.StartsWith("env.", StringComparison.Ordinal)).Select(kv => "--" + kv.Key).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"{string.Join(", ", unknown)}: not an option of bench tdmpc; use --policy.<field> for TD-MPC's config and --env.<key> for the env.");
        var file = TrainConfigReader.Read(configPath, rest.Where(kv => kv.Key.StartsWith("env.", StringComparison.Ordinal)).ToList());
        var env = file.Env ?? throw new LeRobotConfigException($"{file.Source}: bench tdmpc needs an \"env\" section (a gym_manipulator env on the simulated workcell).");
        var config = (TdmpcConfig)PreTrainedConfig.Create("tdmpc", policyOverrides);
        using var run = TdmpcOnlineRun.Open(env, file.Source, config, options);
        var c = run.Config;
        Console.WriteLine($"bench tdmpc: {run.Environment.Workcell!.Task.Name} on the simulated workcell in lockstep, {options.Episodes} episodes ({options.SeedEpisodes} random), seed {options.Seed}, " +
                          $"inputs {string.Join(", ", c.InputFeatures.Select(kv => $"{kv.Key}[{string.Join(",", kv.Value.Shape)}]"))}, action [{c.ActionFeature!.Shape[0]}]; " +
                          $"latent_dim {c.LatentDim}, mlp_dim {c.MlpDim}, horizon {c.Horizon}, use_mpc {c.UseMpc}, cem {c.CemIterations}×({c.NGaussianSamples}+{c.NPiSamples}), " +
                          $"n_action_repeats {c.NActionRepeats}, batch {options.BatchSize}, {options.UpdatesPerStep} updates/step, exploration {stdStart}→{stdEnd} over {options.ExplorationEpisodes}, torch threads {torch.get_num_threads()}");
        Console.WriteLine($"{"episode",7} {"phase",5} {"return",6} {"success",7} {"length",6} {"std",5} {"env steps",9} {"updates",8} {"loss",8} {"reward_l",8} {"wall s",7}");
        var rolling = new Queue<bool>();
        var summary = run.Run(e =>
        {
            if (e.Phase != "eval")
            {
                rolling.Enqueue(e.Success);
                if (rolling.Count > options.Window) rolling.Dequeue();
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{e.Episode,7} {e.Phase,5} {e.Return,6:F2} {(e.Success ? "yes" : "no"),7} {e.Length,6} {e.ExplorationStd,5:F2} {e.EnvSteps,9} {e.Updates,8} " +
                $"{e.LastLoss.GetValueOrDefault("loss", double.NaN),8:F4} {e.LastLoss.GetValueOrDefault("reward_loss", double.NaN),8:F4} {e.Wall.TotalSeconds,7:F1}" +
                $"   success over last {rolling.Count}: {(rolling.Count == 0 ? 0 : rolling.Count(s => s) / (double)rolling.Count):P0}"));
        }, Console.Error.WriteLine, cancel);
        if (DottedFlags.Get(flags, "output_dir") is { } output)
        {
            run.Save(output);
            Console.WriteLine($"saved the policy to {output}");
        }
        var evaluation = summary.EvalEpisodes > 0
            ? string.Create(CultureInfo.InvariantCulture, $", over {summary.EvalEpisodes} evaluation episodes (no noise, no updates) {summary.EvalSuccessRate:P0}")
            : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"summary: success rate over the last {summary.Window} training episodes {summary.SuccessRateLast:P0}{evaluation}; {summary.EnvSteps} env steps, {summary.Updates} updates, wall {summary.Wall.TotalSeconds:F1} s"));
        return ExitCodes.Ok;
    }
}
