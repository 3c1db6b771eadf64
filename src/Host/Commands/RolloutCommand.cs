using System.CommandLine;
using RobotActors.Policies.Configs;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Eval;
using RobotActors.Rl.Rollout;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors rollout` (lerobot-rollout): a pretrained policy drives a robot (real, or the sim with --robot.port=sim
/// or a gym_manipulator --config_path) at --fps for --duration, through the same control step as record and eval
/// (observation → processors → policy → action processor → safety → bus goal). --strategy.type base runs once,
/// episodic runs episodes with a reset between; --inference.type sync runs the policy in the control tick, rtc computes
/// the next chunk on a background thread and joins it with Real-Time Chunking (RtcRolloutPolicy), and --policy.remote
/// host:port asks a policy node of the cluster for chunks (async inference) and holds the arm when none is left.
/// </summary>
public static class RolloutCommand
{
    private static readonly string[] OwnFlags =
    [
        "config_path", "policy.path", "policy.remote", "fps", "duration", "task", "seed", "strategy.type", "strategy.num_episodes",
        "strategy.episode_time_s", "strategy.reset_to_initial_position", "inference.type", "inference.chunk_size_threshold",
        "inference.actions_per_chunk", "inference.queue_threshold", "inference.torch_threads", "inference.rtc.enabled",
        "inference.rtc.execution_horizon", "inference.rtc.max_guidance_weight", "inference.rtc.prefix_attention_schedule", "cluster.hostname", "plugins", "verbose", "display_data", "play_sounds", "device",
    ];

    public static Command Create()
    {
        var command = new Command("rollout", "Run a pretrained policy on a robot (real or simulated) at a fixed rate, here or on a policy node of the cluster (lerobot-rollout).");
        Option[] documented =
        [
            new Option<string?>("--policy.path") { Description = "A pretrained policy folder (…/checkpoints/<step>/pretrained_model)." },
            new Option<string?>("--policy.remote") { Description = "Instead of --policy.path: host:port of a cluster node with role \"policy\" that serves it (async inference)." },
            new Option<string?>("--robot.type") { Description = "The follower (so101_follower, ...)." },
            new Option<string?>("--robot.port") { Description = "Its bus, or \"sim\" for the simulated workcell." },
            new Option<string?>("--robot.id") { Description = "Its calibration id." },
            new Option<string?>("--robot.calibration_dir") { Description = "Where <id>.json is." },
            new Option<string?>("--robot.cameras") { Description = "\"{ front: {type: opencv, index_or_path: 0, width: 640, height: 480, fps: 30}}\"." },
            new Option<string?>("--config_path") { Description = "Instead of --robot.*: a gym_manipulator env config; --env.* flags override its keys." },
            new Option<int?>("--fps") { Description = "Control rate (30, or the config's env.fps)." },
            new Option<double?>("--duration") { Description = "Seconds to run; 0 runs until Ctrl+C (0)." },
            new Option<string?>("--task") { Description = "The instruction, for policies that read one (sent to a remote policy with each observation)." },
            new Option<string?>("--strategy.type") { Description = "base (one run) or episodic (episodes with a reset between) (base)." },
            new Option<int?>("--strategy.num_episodes") { Description = "episodic: how many episodes (until --duration)." },
            new Option<double?>("--strategy.episode_time_s") { Description = "episodic: longest episode (the config's control_time_s, or 60)." },
            new Option<bool?>("--strategy.reset_to_initial_position") { Description = "episodic: move back to where the rollout started between episodes (true)." },
            new Option<string?>("--inference.type") { Description = "sync (the policy runs in the control tick) or rtc (Real-Time Chunking: the next chunk is computed on a background thread while the queued actions execute, and joined to them; needs a policy that supports it) (sync)." },
            new Option<int?>("--inference.queue_threshold") { Description = "rtc: start the next chunk when this many actions are left (the policy's rtc_config.execution_horizon)." },
            new Option<int?>("--inference.rtc.execution_horizon") { Description = "rtc: steps of the new chunk pulled toward the old one's leftover (the policy's rtc_config)." },
            new Option<double?>("--inference.rtc.max_guidance_weight") { Description = "rtc: the guidance weight's bound (the policy's rtc_config)." },
            new Option<string?>("--inference.rtc.prefix_attention_schedule") { Description = "rtc: ZEROS, ONES, LINEAR or EXP (the policy's rtc_config)." },
            new Option<bool?>("--inference.rtc.enabled") { Description = "rtc: false computes chunks in the background the same way but without guidance, to compare (true)." },
            new Option<int?>("--inference.torch_threads") { Description = "Torch's intra-op threads (rtc: 1, so inference leaves the control thread a core; sync: torch's default)." },
            new Option<double?>("--inference.chunk_size_threshold") { Description = "--policy.remote: ask for the next chunk when this fraction of a chunk is left (0.5)." },
            new Option<int?>("--inference.actions_per_chunk") { Description = "--policy.remote: actions of each chunk to use (all)." },
            new Option<string?>("--cluster.hostname") { Description = "--policy.remote: this machine's address the policy node can reach (127.0.0.1)." },
            new Option<int?>("--seed") { Description = "Simulated robot: episode i's scene comes from seed + i (1000)." },
        ];
        foreach (var o in documented) command.Add(o);
        command.Add(PluginOption.Create());
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancel) => EnvCommandErrors.Run(() => RunAsync(DottedFlags.Parse(parse, command), cancel), parse.GetValue(CliOptions.Verbose)));
        return command;
    }

    private static async Task<int> RunAsync(List<KeyValuePair<string, string>> flags, CancellationToken cancel)
    {
        // A --policy.path saved by a plugin policy (dit_flow) needs the plugin registered before its config.json is read.
        PluginOption.Discover(DottedFlags.Get(flags, "plugins"), Console.Error);
        var path = DottedFlags.Get(flags, "policy.path");
        var remoteAddress = DottedFlags.Get(flags, "policy.remote");
        if ((path is null) == (remoteAddress is null))
            throw new ArgumentException("give --policy.path (a pretrained policy folder, run here) or --policy.remote host:port (a policy node of the cluster), not both.");
        var fps = DottedFlags.Int(DottedFlags.Get(flags, "fps"), "--fps");
        if (fps is < 1 or > 1000) throw new ArgumentException($"--fps {fps}: the control rate is 1 to 1000 ticks per second.");
        var durationS = DottedFlags.Double(DottedFlags.Get(flags, "duration"), "--duration") ?? 0;
        if (durationS < 0 || double.IsNaN(durationS)) throw new ArgumentException($"--duration {durationS}: seconds to run, or 0 to run until Ctrl+C.");
        var strategy = DottedFlags.Get(flags, "strategy.type") ?? "base";
        if (strategy is "sentry" or "highlight" or "dagger")
            throw new ArgumentException($"--strategy.type {strategy} records a dataset while it runs, which `rollout` does not do yet; use base or episodic (and `record` for datasets).");
        if (strategy is not ("base" or "episodic")) throw new ArgumentException($"--strategy.type {strategy}: the strategies are base and episodic.");
        var episodes = DottedFlags.Int(DottedFlags.Get(flags, "strategy.num_episodes"), "--strategy.num_episodes");
        if (episodes is < 1) throw new ArgumentException("--strategy.num_episodes must be at least 1.");
        if (strategy == "base" && (episodes is not null || DottedFlags.Get(flags, "strategy.episode_time_s") is not null))
            throw new ArgumentException("--strategy.num_episodes and --strategy.episode_time_s belong to --strategy.type=episodic.");
        var episodeTime = DottedFlags.Double(DottedFlags.Get(flags, "strategy.episode_time_s"), "--strategy.episode_time_s");
        if (episodeTime is <= 0) throw new ArgumentException("--strategy.episode_time_s must be above 0.");
        var inference = DottedFlags.Get(flags, "inference.type") ?? "sync";
        if (inference is not ("sync" or "rtc")) throw new ArgumentException($"--inference.type {inference}: sync (the policy runs on the control thread) or rtc (Real-Time Chunking).");
        var threshold = DottedFlags.Double(DottedFlags.Get(flags, "inference.chunk_size_threshold"), "--inference.chunk_size_threshold") ?? 0.5;
        if (threshold is < 0 or > 1 || double.IsNaN(threshold)) throw new ArgumentException($"--inference.chunk_size_threshold {threshold}: a fraction of the chunk, in [0, 1].");
        var actionsPerChunk = DottedFlags.Int(DottedFlags.Get(flags, "inference.actions_per_chunk"), "--inference.actions_per_chunk") ?? 0;
        if (actionsPerChunk < 0) throw new ArgumentException("--inference.actions_per_chunk must be at least 1 (or 0 for the whole chunk).");
        var seed = DottedFlags.Int(DottedFlags.Get(flags, "seed"), "--seed") ?? 1000;
        var task = DottedFlags.Get(flags, "task");
        foreach (var key in new[] { "display_data", "play_sounds", "device" })
            if (DottedFlags.Get(flags, key) is not null) Console.Error.WriteLine($"warning: --{key} is ignored here.");
        var pretrained = path is null ? null : LoadConfig(path);
        if (inference == "rtc") CheckRtc(pretrained, path, remoteAddress);
        else if (flags.FirstOrDefault(kv => kv.Key.StartsWith("inference.rtc.", StringComparison.Ordinal) || kv.Key == "inference.queue_threshold") is { Key: { } rtcFlag })
            throw new ArgumentException($"--{rtcFlag} belongs to --inference.type=rtc.");

        var (env, configFile) = OpenEnvConfig(flags, fps, episodeTime, pretrained);
        using var environment = RobotEnvironment.Open(env, new RobotEnvironmentOptions
        {
            UseTeleoperator = false, UseEnvReward = true, Seed = seed, ConfigFile = configFile, SimRealTime = true,
        });
        await using var remote = remoteAddress is null ? null
            : await RolloutRemote.ConnectAsync(remoteAddress, DottedFlags.Get(flags, "cluster.hostname") ?? "127.0.0.1", task, threshold, actionsPerChunk, env.Fps,
                environment.ObservationFeatures(), environment.ActionNames.Count, cancel);
        var torchThreads = DottedFlags.Int(DottedFlags.Get(flags, "inference.torch_threads"), "--inference.torch_threads") ?? (inference == "rtc" ? 1 : null);
        if (torchThreads is < 1 or > 64) throw new ArgumentException($"--inference.torch_threads {torchThreads}: 1 to 64.");
        if (torchThreads is { } threads) TorchSharp.torch.set_num_threads(threads);
        using IRolloutPolicy policy = remote is not null ? remote.Policy
            : inference == "rtc" ? RtcPolicy(flags, new PretrainedEvalPolicy(path!, environment.ObservationFeatures(), environment.ActionNames.Count))
            : new SyncRolloutPolicy(new PretrainedEvalPolicy(path!, environment.ObservationFeatures(), environment.ActionNames.Count));
        var rtcPolicy = policy as RtcRolloutPolicy;

        var where = environment.IsSim ? $"the simulated workcell ({environment.Workcell!.Task.Name}, seed {seed})" : $"{env.Robot!.Arm.Type} on {env.Robot.Arm.Port}";
        Console.Error.WriteLine($"Rolling out {policy.Name} on {where} at {env.Fps} fps, {(durationS > 0 ? $"for {durationS:G4} s" : "until Ctrl+C")}, " +
            $"strategy {strategy}, inference {(remote is not null ? $"remote (chunk of {remote.Info.ChunkSize}, next asked at {threshold:P0} left)"
                : rtcPolicy is not null ? $"rtc in the background (next chunk started at {rtcPolicy.Runner.QueueThreshold} actions left{(rtcPolicy.Runner.Guided ? "" : ", not guided")})" : inference)}" +
            (task is null ? "." : $", task \"{task}\"."));
        var options = new RolloutOptions
        {
            Strategy = strategy == "episodic" ? RolloutStrategy.Episodic : RolloutStrategy.Base,
            Duration = durationS > 0 ? TimeSpan.FromSeconds(durationS) : null, Episodes = episodes, Seed = seed,
            ResetToInitialPosition = DottedFlags.Bool(DottedFlags.Get(flags, "strategy.reset_to_initial_position"), "--strategy.reset_to_initial_position") ?? true,
        };
        var progress = new RolloutProgress(Console.Error, env.Fps, remote?.Policy);
        var loop = new RolloutLoop(environment.Env, policy, environment.ActionNames);
        var report = await OnControlThread(() =>
            loop.Run(options, cancel, e => { if (options.Strategy == RolloutStrategy.Episodic) Console.Error.WriteLine($"episode {e + 1} starts"); }, progress.OnTick));
        progress.End();
        Console.WriteLine($"rollout: {report}" + (remote is null ? "" : $" remote: {remote.Policy.Figures}") + (rtcPolicy is null ? "" : $" rtc: {rtcPolicy.Figures}"));
        return ExitCodes.Ok;
    }

    /// <summary>The loop gets a thread of its own, as the node's control loop does: no thread-pool work queues in front of a tick.</summary>
    private static Task<RolloutReport> OnControlThread(Func<RolloutReport> run)
    {
        var done = new TaskCompletionSource<RolloutReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try { done.SetResult(run()); }
            catch (Exception e) { done.SetException(e); }
        }) { IsBackground = true, Name = "rollout-control", Priority = ThreadPriority.AboveNormal };
        thread.Start();
        return done.Task;
    }

    private static PreTrainedConfig LoadConfig(string path)
    {
        if (!File.Exists(Path.Combine(path, PreTrainedConfig.ConfigFileName)))
            throw new ArgumentException($"--policy.path {path}: no {PreTrainedConfig.ConfigFileName} there; give a pretrained policy folder (…/checkpoints/<step>/pretrained_model).");
        return PreTrainedConfig.Load(path);
    }

    /// <summary>--inference.type=rtc with the policy here: --inference.rtc.* override its rtc_config for this run.</summary>
    private static RtcRolloutPolicy RtcPolicy(List<KeyValuePair<string, string>> flags, PretrainedEvalPolicy loaded)
    {
        try
        {
            if (loaded.Policy is not RobotActors.Policies.Rtc.IRealTimeChunkingPolicy rtc)
                throw new ArgumentException($"--inference.type=rtc: {loaded.Name} does not support Real-Time Chunking; run it with --inference.type=sync.");
            var config = rtc.RtcConfig;
            if (DottedFlags.Int(DottedFlags.Get(flags, "inference.rtc.execution_horizon"), "--inference.rtc.execution_horizon") is { } horizon)
            {
                if (horizon < 1 || horizon > rtc.ChunkSize)
                    throw new ArgumentException($"--inference.rtc.execution_horizon {horizon}: 1 to the policy's chunk_size={rtc.ChunkSize} (it counts steps of one chunk).");
                config.ExecutionHorizon = horizon;
            }
            if (DottedFlags.Double(DottedFlags.Get(flags, "inference.rtc.max_guidance_weight"), "--inference.rtc.max_guidance_weight") is { } weight)
            {
                if (!(weight > 0) || !double.IsFinite(weight)) throw new ArgumentException($"--inference.rtc.max_guidance_weight {weight}: a positive number (10).");
                config.MaxGuidanceWeight = weight;
            }
            if (DottedFlags.Get(flags, "inference.rtc.prefix_attention_schedule") is { } schedule)
            {
                if (!RobotActors.Policies.Rtc.RtcConfig.Schedules.Contains(schedule.ToUpperInvariant()))
                    throw new ArgumentException($"--inference.rtc.prefix_attention_schedule {schedule}: one of {string.Join(", ", RobotActors.Policies.Rtc.RtcConfig.Schedules)}.");
                config.PrefixAttentionSchedule = schedule;
            }
            var guided = DottedFlags.Bool(DottedFlags.Get(flags, "inference.rtc.enabled"), "--inference.rtc.enabled") ?? true;
            var queueThreshold = DottedFlags.Int(DottedFlags.Get(flags, "inference.queue_threshold"), "--inference.queue_threshold");
            if (queueThreshold is { } q && (q < 1 || q > rtc.ChunkSize))
                throw new ArgumentException($"--inference.queue_threshold {q}: 1 to the policy's chunk_size={rtc.ChunkSize} actions left when the next chunk starts.");
            if (guided && (queueThreshold ?? config.ExecutionHorizon) < config.ExecutionHorizon)
                Console.Error.WriteLine($"warning: --inference.queue_threshold {queueThreshold} is below execution_horizon={config.ExecutionHorizon}: the steps past the leftover are not guided.");
            return new RtcRolloutPolicy(loaded, queueThreshold, guided);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>RTC is guided inference of a flow-matching policy (rtc_config); a policy without it cannot run it.</summary>
    private static void CheckRtc(PreTrainedConfig? config, string? path, string? remote)
    {
        if (remote is not null)
            throw new ArgumentException("--inference.type=rtc with --policy.remote: Real-Time Chunking runs with the policy in this process for now; use --policy.path, or --inference.type=sync remotely.");
        if (config!.GetType().GetProperty("RtcConfig") is null)
            throw new ArgumentException($"--inference.type=rtc: the policy at {path} is {config.Type}, which does not support Real-Time Chunking (it has no rtc_config); " +
                "RTC needs a flow-matching policy that supports it (the DiT flow plugin). Run this one with --inference.type=sync.");
    }

    /// <summary>The env: a gym_manipulator --config_path (with --env.* overrides) or lerobot-rollout's --robot.* flags.</summary>
    private static (HilSerlRobotEnvConfig Env, string? ConfigFile) OpenEnvConfig(List<KeyValuePair<string, string>> flags, int? fps, double? episodeTime, PreTrainedConfig? policy)
    {
        var configPath = DottedFlags.Get(flags, "config_path");
        if (configPath is not null)
        {
            if (flags.Any(kv => kv.Key.StartsWith("robot.", StringComparison.Ordinal)))
                throw new ArgumentException("give the robot with --config_path (its env.robot) or with --robot.* flags, not both.");
            var overrides = flags.Where(kv => !OwnFlags.Contains(kv.Key)).ToList();
            if (fps is not null) overrides.Add(new("env.fps", fps.Value.ToString()));
            if (episodeTime is not null) overrides.Add(new("env.processor.reset.control_time_s", episodeTime.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var config = GymManipulatorConfigReader.Read(configPath, overrides);
            foreach (var w in config.Warnings) Console.Error.WriteLine(w);
            return (config.Env, configPath);
        }
        if (DottedFlags.Get(flags, "robot.type") is null)
            throw new ArgumentException("--robot.type and --robot.port are required (--robot.port=sim for the simulated workcell), or give --config_path.");
        var withRate = flags.Where(kv => kv.Key is not ("fps" or "strategy.episode_time_s")).ToList();
        withRate.Add(new("dataset.fps", (fps ?? 30).ToString()));
        if (episodeTime is not null) withRate.Add(new("dataset.episode_time_s", episodeTime.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        // An end-effector policy acts in (delta_x, delta_y, delta_z, gripper); a joint-space one in one value per motor.
        var jointActions = policy?.SelectedActionDim is not 4;
        var (env, _) = LeRobotFlagsEnv.Build(withRate, needTeleop: false, OwnFlags, jointActions);
        return (env, null);
    }
}
