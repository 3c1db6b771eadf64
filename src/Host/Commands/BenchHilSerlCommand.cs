using System.CommandLine;
using System.Globalization;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Training;
using TorchSharp;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors bench hilserl`: HIL-SERL's actor and learner in lockstep on the simulated workcell
/// (<see cref="HilSerlLockstepRun"/>), from a train config; prints a line per episode and how fast it learned.
/// Other --key=value flags override the config's keys (e.g. --policy.online_step_before_learning=200).
/// </summary>
public static class BenchHilSerlCommand
{
    private static readonly string[] OwnFlags = ["config_path", "episodes", "intervention", "seed", "threshold", "window", "push_every", "updates_per_step", "threads", "verbose"];

    public static Command Create()
    {
        var command = new Command("hilserl", "HIL-SERL SAC learning a simulated task in lockstep (actor and learner in one process): success and intervention rates, env steps to a success threshold.");
        Option[] documented =
        [
            new Option<string?>("--config_path") { Description = "A HIL-SERL train config on the sim (env.robot.port \"sim\"), e.g. examples/hilserl/train_config_hilserl_so101_sim_push_state.json." },
            new Option<int?>("--episodes") { Description = "Episodes to run (100)." },
            new Option<string?>("--intervention") { Description = "The scripted operator's mode: automatic, never, rate or always (default: the config's env.teleop.intervention)." },
            new Option<int?>("--seed") { Description = "Scene, torch and buffer seed (default: the config's seed)." },
            new Option<double?>("--threshold") { Description = "Success rate over the window the env steps are counted to (0.9)." },
            new Option<int?>("--window") { Description = "Episodes the success rate is taken over (20)." },
            new Option<int?>("--push_every") { Description = "Env steps between weight pushes (10; policy_parameters_push_frequency in steps)." },
            new Option<int?>("--updates_per_step") { Description = "SAC updates per env step once learning has started (1; each does utd_ratio critic steps)." },
            new Option<int?>("--threads") { Description = "Torch CPU threads (1)." },
        ];
        foreach (var o in documented) command.Add(o);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancel) => EnvCommandErrors.Run(() => Task.FromResult(Run(DottedFlags.Parse(parse, command), cancel)), parse.GetValue(CliOptions.Verbose)));
        return command;
    }

    private static int Run(List<KeyValuePair<string, string>> flags, CancellationToken cancel)
    {
        var configPath = DottedFlags.Get(flags, "config_path")
            ?? throw new ArgumentException("--config_path is required: a HIL-SERL train config on the sim (e.g. examples/hilserl/train_config_hilserl_so101_sim_push_state.json).");
        if (!File.Exists(configPath)) throw new ArgumentException($"--config_path {configPath}: no such file.");
        var threshold = DottedFlags.Double(DottedFlags.Get(flags, "threshold"), "--threshold") ?? 0.9;
        if (threshold is < 0 or > 1) throw new ArgumentException($"--threshold {threshold}: a success rate between 0 and 1.");
        var options = new LockstepOptions
        {
            Episodes = DottedFlags.Int(DottedFlags.Get(flags, "episodes"), "--episodes") ?? 100,
            Seed = DottedFlags.Int(DottedFlags.Get(flags, "seed"), "--seed"),
            Threshold = threshold,
            Window = DottedFlags.Int(DottedFlags.Get(flags, "window"), "--window") ?? 20,
            PushEverySteps = DottedFlags.Int(DottedFlags.Get(flags, "push_every"), "--push_every") ?? 10,
            UpdatesPerStep = DottedFlags.Int(DottedFlags.Get(flags, "updates_per_step"), "--updates_per_step") ?? 1,
        };
        var threads = DottedFlags.Int(DottedFlags.Get(flags, "threads"), "--threads") ?? 1;
        if (threads is < 1 or > 64) throw new ArgumentException($"--threads {threads}: between 1 and 64.");
        torch.set_num_threads(threads);
        var overrides = flags.Where(kv => !OwnFlags.Contains(kv.Key)).ToList();
        if (DottedFlags.Get(flags, "intervention") is { } mode)
        {
            Devices.Workcell.Operators.ScriptedOperatorOptions.ParseMode(mode); // an unknown mode is named before anything is built
            overrides.Add(new("env.teleop.intervention", mode));
        }
        var file = TrainConfigReader.Read(configPath, overrides);
        using var run = HilSerlLockstepRun.Open(file, options, Console.Error.WriteLine);
        var env = run.Environment;
        var trainer = run.Learner.Trainer;
        Console.WriteLine($"bench hilserl: {env.Workcell!.Task.Name} on the simulated workcell in lockstep, {options.Episodes} episodes, seed {options.Seed ?? file.Seed ?? 1000}, " +
                          $"operator {file.Env!.Teleop?.Type ?? "none"} ({(file.Env.Teleop?.ScriptedOptions?["intervention"]?.ToString() ?? "always")}), " +
                          $"batch {trainer.BatchSize}, utd {trainer.Algorithm.Config.UtdRatio}, learning after {trainer.OnlineStepBeforeLearning} steps, push every {options.PushEverySteps} steps, " +
                          $"torch threads {torch.get_num_threads()}");
        Console.WriteLine($"{"episode",7} {"return",7} {"success",7} {"length",6} {"interv",6} {"version",7} {"env steps",9} {"updates",8} {"wall s",7}");
        var rolling = new Queue<bool>();
        var summary = run.Run(e =>
        {
            rolling.Enqueue(e.Success);
            if (rolling.Count > options.Window) rolling.Dequeue();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{e.Episode,7} {e.Return,7:F2} {(e.Success ? "yes" : "no"),7} {e.Length,6} {e.InterventionRate,6:P0} {e.PolicyVersion,7} {e.EnvSteps,9} {e.OptimizationSteps,8} {e.Wall.TotalSeconds,7:F1}" +
                $"   success over last {rolling.Count}: {rolling.Count(s => s) / (double)rolling.Count:P0}"));
        }, cancel);
        var reached = summary.EnvStepsToThreshold is { } s ? $"at env step {s} (episode {summary.EpisodesToThreshold})" : "never";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"summary: success rate over the last {Math.Min(summary.Window, summary.Episodes)} episodes {summary.SuccessRateLast:P0} ({summary.AutonomousSuccessRateLast:P0} without any intervention); intervention rate first {summary.Window} {summary.InterventionRateFirst:P1}, last {summary.Window} {summary.InterventionRateLast:P1}; success over {summary.Window} episodes reached {summary.Threshold:P0} {reached}; {summary.EnvSteps} env steps, {summary.OptimizationSteps} SAC updates, wall {summary.Wall.TotalSeconds:F1} s"));
        return ExitCodes.Ok;
    }
}
