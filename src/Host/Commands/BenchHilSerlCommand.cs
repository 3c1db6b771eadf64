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
    private static readonly string[] OwnFlags = ["config_path", "episodes", "intervention", "seed", "threshold", "window", "push_every", "updates_per_step", "threads", "verbose", "realtime", "fps", "seconds"];

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
            new Option<bool>("--realtime") { Description = "Instead: the control loop in real time with the learner training in the same process; prints period error and overruns, step-to-buffer and publish-to-apply latency, updates/s and replay bytes per transition." },
            new Option<string?>("--fps") { Description = "--realtime: the control rates to measure, comma-separated (10,30)." },
            new Option<int?>("--seconds") { Description = "--realtime: how long each rate runs (30)." },
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
        if (DottedFlags.Get(flags, "realtime") is { } realtime && realtime != "false")
            return RunRealTime(configPath, overrides, flags, cancel);
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

    private static int RunRealTime(string configPath, List<KeyValuePair<string, string>> overrides, List<KeyValuePair<string, string>> flags, CancellationToken cancel)
    {
        var rates = (DottedFlags.Get(flags, "fps") ?? "10,30").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(f => DottedFlags.Int(f, "--fps") is > 0 and <= 200 and var n ? n : throw new ArgumentException($"--fps {f}: a control rate between 1 and 200 Hz.")).ToList();
        var seconds = DottedFlags.Int(DottedFlags.Get(flags, "seconds"), "--seconds") ?? 30;
        if (seconds is < 5 or > 3600) throw new ArgumentException($"--seconds {seconds}: between 5 and 3600.");
        var inv = CultureInfo.InvariantCulture;
        foreach (var fps in rates)
        {
            var file = TrainConfigReader.Read(configPath, [.. overrides, new("env.fps", fps.ToString(inv))]);
            var out_ = Directory.CreateTempSubdirectory("robotactors-bench-realtime-").FullName;
            try
            {
                var cameras = file.Env!.Robot?.Cameras is { Count: > 0 } c ? string.Join(", ", c.Select(kv => $"{kv.Key} {kv.Value.Width}x{kv.Value.Height}")) : "no cameras";
                Console.WriteLine($"bench hilserl --realtime: {file.Env.Task} at {fps} Hz for {seconds} s, {cameras}, learner training in this process, torch threads {torch.get_num_threads()}");
                var r = RealTimeLoopBenchmark.Run(file, TimeSpan.FromSeconds(seconds), out_, _ => { }, cancel);
                Console.WriteLine(string.Create(inv, $"  control period error (ms):  p50 {r.PeriodError.P50,7:F2}  p99 {r.PeriodError.P99,7:F2}  max {r.PeriodError.Max,7:F2}   overruns {r.Overruns} of {r.Ticks} ticks, {r.Episodes} episodes"));
                Console.WriteLine(string.Create(inv, $"  step to replay buffer (ms): p50 {r.StepToBuffer.P50,7:F2}  p99 {r.StepToBuffer.P99,7:F2}  max {r.StepToBuffer.Max,7:F2}   ({r.StepToBuffer.Count} steps, in-process)"));
                Console.WriteLine(string.Create(inv, $"  weights publish to apply (ms): p50 {r.PublishToApply.P50,7:F1}  p99 {r.PublishToApply.P99,7:F1}  max {r.PublishToApply.Max,7:F1}   ({r.PublishToApply.Count} versions applied)"));
                Console.WriteLine(string.Create(inv, $"  learner: {r.UpdatesPerSecond:F1} SAC updates/s while learning, {r.OptimizationSteps} updates; replay memory {r.ReplayBytesPerTransition / 1024.0:F1} KB per transition"));
            }
            finally
            {
                Directory.Delete(out_, recursive: true);
            }
        }
        Console.WriteLine("(the cluster's own hops — journal, transition feed, weights pushes between nodes — are measured by `robotactors bench runtime`)");
        return ExitCodes.Ok;
    }
}
