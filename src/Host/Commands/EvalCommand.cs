using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Eval;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors eval` (lerobot-eval on a gym_manipulator env): --policy.path a pretrained policy, or the built-in
/// baselines --policy.type scripted (the simulated operator) and random; --eval.n_episodes, --seed, --output_dir.
/// Prints the success rate, mean return and episode length and writes eval_info.json.
/// </summary>
public static class EvalCommand
{
    private static readonly string[] OwnFlags = ["config_path", "policy.path", "policy.type", "eval.n_episodes", "eval.batch_size", "eval.use_async_envs", "seed", "output_dir", "job_name", "verbose", "plugins"];

    public static Command Create()
    {
        var command = new Command("eval", "Evaluate a policy (or the scripted / random baselines) on a gym_manipulator env, on the sim or a real arm.");
        Option[] documented =
        [
            new Option<string?>("--config_path") { Description = "The gym_manipulator env config; --env.* flags override its keys." },
            new Option<string?>("--policy.path") { Description = "A pretrained policy folder (…/checkpoints/<step>/pretrained_model)." },
            new Option<string?>("--policy.type") { Description = "Instead of --policy.path, a baseline: scripted (the simulated operator) or random." },
            new Option<int?>("--eval.n_episodes") { Description = "Episodes to roll out (50)." },
            new Option<int?>("--seed") { Description = "Episode i starts from scene seed + i (1000)." },
            new Option<string?>("--output_dir") { Description = "Where eval_info.json goes (default outputs/eval/<date>/<time>_<policy>)." },
            PluginOption.Create(),
        ];
        foreach (var o in documented) command.Add(o);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancel) => EnvCommandErrors.Run(() => RunAsync(DottedFlags.Parse(parse, command), cancel), parse.GetValue(CliOptions.Verbose)));
        return command;
    }

    private static Task<int> RunAsync(List<KeyValuePair<string, string>> flags, CancellationToken cancel)
    {
        // A --policy.path saved by a plugin policy needs the plugin registered before its config.json is read.
        PluginOption.Discover(DottedFlags.Get(flags, "plugins"), Console.Error);
        var configPath = DottedFlags.Get(flags, "config_path") ?? throw new ArgumentException("--config_path is required: the gym_manipulator env config to evaluate in (e.g. examples/hilserl/env_config_so101_sim.json).");
        var path = DottedFlags.Get(flags, "policy.path");
        var type = DottedFlags.Get(flags, "policy.type");
        if ((path is null) == (type is null))
            throw new ArgumentException("give --policy.path (a pretrained policy folder) or --policy.type scripted|random (a baseline), not both.");
        if (type is not null and not ("scripted" or "random"))
            throw new ArgumentException($"--policy.type {type}: eval's built-in policies are scripted and random; a trained policy is given with --policy.path.");
        var episodes = DottedFlags.Int(DottedFlags.Get(flags, "eval.n_episodes"), "--eval.n_episodes") ?? 50;
        if (episodes < 1) throw new ArgumentException("--eval.n_episodes must be at least 1.");
        var seed = DottedFlags.Int(DottedFlags.Get(flags, "seed"), "--seed") ?? 1000;
        foreach (var key in new[] { "eval.batch_size", "eval.use_async_envs" })
            if (DottedFlags.Get(flags, key) is not null) Console.Error.WriteLine($"warning: --{key} is ignored: episodes run one after another on one robot.");
        var overrides = flags.Where(kv => !OwnFlags.Contains(kv.Key)).ToList();
        // The scripted baseline is the simulated operator driving every step: it replaces the configured teleoperator.
        if (type == "scripted") overrides.AddRange([new("env.teleop.type", "scripted"), new("env.teleop.intervention", "always"), new("env.teleop.give_up_seconds", "1e9")]);
        var config = GymManipulatorConfigReader.Read(configPath, overrides);
        foreach (var w in config.Warnings) Console.Error.WriteLine(w);
        if (type == "scripted" && config.Env.Robot?.IsSim != true)
            throw new ArgumentException("--policy.type scripted is the simulated operator: it needs a simulated robot (env.robot.port \"sim\").");
        using var environment = RobotEnvironment.Open(config.Env, new RobotEnvironmentOptions
        {
            UseTeleoperator = type == "scripted", UseEnvReward = true, Seed = seed, ConfigFile = configPath, Device = config.Device,
        });
        using IEvalPolicy policy = type switch
        {
            "scripted" => new ScriptedEvalPolicy(),
            "random" => new RandomEvalPolicy(seed, environment.ActionNames),
            _ => new PretrainedEvalPolicy(path!, environment.ObservationFeatures(), environment.ActionNames.Count),
        };
        var output = DottedFlags.Get(flags, "output_dir")
            ?? Path.Combine("outputs", "eval", DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{DateTime.Now:HH-mm-ss}_{type ?? "policy"}");
        Console.Error.WriteLine($"Evaluating {policy.Name} for {episodes} episode(s) on {(environment.IsSim ? $"the simulated workcell ({environment.Workcell!.Task.Name})" : config.Env.Robot!.Arm.Type)}, seed {seed}.");
        var report = new PolicyEvaluation(environment.Env, policy).Run(episodes, seed, e =>
            Console.Error.WriteLine($"episode {e.Index + 1}/{episodes}: {(e.Success ? "success" : "failure")}, return {e.SumReward:G4}, {e.Length} steps, {e.Seconds:F1} s"), cancel);
        Directory.CreateDirectory(output);
        var infoPath = Path.Combine(output, "eval_info.json");
        File.WriteAllText(infoPath, report.ToEvalInfo().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"{policy.Name}: success rate {report.PcSuccess:F1}% over {report.Episodes.Count} episodes, mean return {report.AvgSumReward:F3}, " +
            $"mean episode length {report.AvgLength:F1} steps ({report.Seconds:F1} s); {infoPath}");
        return Task.FromResult(ExitCodes.Ok);
    }
}
