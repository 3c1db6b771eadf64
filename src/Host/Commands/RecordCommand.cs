using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using RobotActors.Datasets.Writing;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Workcell;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Recording;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors record`: lerobot-record (--robot.*, --teleop.*, --dataset.*, --resume), or with --config_path a
/// gym_manipulator config in record mode (LeRobot's python -m lerobot.rl.gym_manipulator): reset to
/// fixed_reset_joint_positions, episodes that end on success (reward 1), failure or the time limit (0),
/// re-record discards. Keys while it runs: → / n next episode, ← / r re-record, Esc / q stop.
/// </summary>
public static class RecordCommand
{
    private static readonly string[] OwnFlags = ["config_path", "seed", "dataset.video", "resume", "verbose", "display_data", "play_sounds"];

    public static Command Create()
    {
        var command = new Command("record", "Record episodes into a LeRobotDataset v3 (lerobot-record, or a gym_manipulator config in record mode).");
        Option[] documented =
        [
            new Option<string?>("--config_path") { Description = "A gym_manipulator config (mode \"record\"); --env.* / --dataset.* flags then override its keys." },
            new Option<string?>("--robot.type") { Description = "lerobot-record: the follower (so101_follower, ...)." },
            new Option<string?>("--robot.port") { Description = "lerobot-record: its bus, or \"sim\" for the simulated workcell." },
            new Option<string?>("--robot.id") { Description = "lerobot-record: its calibration id." },
            new Option<string?>("--robot.calibration_dir") { Description = "lerobot-record: where <id>.json is." },
            new Option<string?>("--robot.cameras") { Description = "lerobot-record: \"{ front: {type: opencv, index_or_path: 0, width: 640, height: 480, fps: 30}}\"." },
            new Option<string?>("--teleop.type") { Description = "lerobot-record: a leader arm (so101_leader, ...), gamepad, keyboard_ee or (sim) scripted." },
            new Option<string?>("--teleop.port") { Description = "lerobot-record: the leader's bus." },
            new Option<string?>("--teleop.id") { Description = "lerobot-record: the leader's calibration id." },
            new Option<string?>("--teleop.calibration_dir") { Description = "lerobot-record: where the leader's <id>.json is." },
            new Option<string?>("--dataset.repo_id") { Description = "The dataset's name; its folder is $HF_LEROBOT_HOME/<repo_id> unless --dataset.root." },
            new Option<string?>("--dataset.root") { Description = "The dataset folder." },
            new Option<int?>("--dataset.num_episodes") { Description = "lerobot-record: episodes to record (50)." },
            new Option<double?>("--dataset.episode_time_s") { Description = "lerobot-record: seconds per episode (60)." },
            new Option<double?>("--dataset.reset_time_s") { Description = "lerobot-record: teleoperated, unrecorded seconds between episodes (60)." },
            new Option<string?>("--dataset.single_task") { Description = "lerobot-record: what the episodes do (the task string)." },
            new Option<int?>("--dataset.fps") { Description = "lerobot-record: frames per second (30)." },
            new Option<bool?>("--dataset.video") { Description = "Cameras as MP4 video (true, needs ffmpeg) or PNG images (false)." },
            new Option<bool>("--resume") { Description = "Add episodes to an existing dataset." },
            new Option<int?>("--seed") { Description = "Simulated robot: episode i's scene comes from seed + i (1000)." },
        ];
        foreach (var o in documented) command.Add(o);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancel) => EnvCommandErrors.Run(() => RunAsync(DottedFlags.Parse(parse, command), cancel), parse.GetValue(CliOptions.Verbose)));
        return command;
    }

    private static async Task<int> RunAsync(List<KeyValuePair<string, string>> flags, CancellationToken cancel)
    {
        var configPath = DottedFlags.Get(flags, "config_path");
        var seed = DottedFlags.Int(DottedFlags.Get(flags, "seed"), "--seed") ?? 1000;
        var video = DottedFlags.Bool(DottedFlags.Get(flags, "dataset.video"), "--dataset.video") ?? true;
        var resume = DottedFlags.Bool(DottedFlags.Get(flags, "resume"), "--resume") ?? false;
        foreach (var key in new[] { "display_data", "play_sounds" })
            if (DottedFlags.Get(flags, key) is not null) Console.Error.WriteLine($"warning: --{key} is ignored here.");
        HilSerlRobotEnvConfig env;
        string root, task, robotType;
        int episodes;
        RecordOptions options;
        bool rlColumns;
        RobotEnvironmentOptions envOptions;
        if (configPath is not null)
        {
            var overrides = flags.Where(kv => !OwnFlags.Contains(kv.Key)).ToList();
            var config = GymManipulatorConfigReader.Read(configPath, overrides);
            foreach (var w in config.Warnings) Console.Error.WriteLine(w);
            if (config.Mode != "record")
                throw new LeRobotConfigException($"{configPath}: mode is {(config.Mode is null ? "null" : $"\"{config.Mode}\"")}; `robotactors record` needs \"record\" (set it in the file or pass --mode=record)" +
                    (config.Mode == "replay" ? "; to replay, run `robotactors replay --config_path ...`." : "."));
            var dataset = config.Dataset!;
            env = config.Env;
            root = EnvCommandErrors.DatasetRoot(dataset.Root, dataset.RepoId);
            task = dataset.Task ?? dataset.RepoId;
            robotType = env.Robot?.Arm.Type ?? "unknown";
            episodes = dataset.NumEpisodesToRecord;
            rlColumns = true;
            options = new RecordOptions { Episodes = episodes, Seed = seed, WaitResetTime = true };
            envOptions = new RobotEnvironmentOptions { Seed = seed, ConfigFile = configPath, Device = config.Device };
        }
        else
        {
            (env, var resetTime) = LeRobotFlagsEnv.Build(flags, needTeleop: true, OwnFlags);
            root = EnvCommandErrors.DatasetRoot(DottedFlags.Get(flags, "dataset.root"), DottedFlags.Get(flags, "dataset.repo_id"));
            task = DottedFlags.Get(flags, "dataset.single_task") ?? throw new ArgumentException("--dataset.single_task is required: a short description of what the episodes do.");
            robotType = env.Robot!.Arm.Type;
            episodes = DottedFlags.Int(DottedFlags.Get(flags, "dataset.num_episodes"), "--dataset.num_episodes") ?? 50;
            rlColumns = false;
            options = new RecordOptions { Episodes = episodes, Seed = seed, WaitResetTime = false, TeleoperatedReset = resetTime };
            envOptions = new RobotEnvironmentOptions { Seed = seed, OperatorAlwaysInControl = true };
        }
        if (episodes < 1) throw new ArgumentException($"the number of episodes must be at least 1, got {episodes}.");

        var keyboardTeleop = env.Teleop?.Type is "keyboard" or "keyboard_ee";
        using var environment = RobotEnvironment.Open(env, envOptions);
        var features = TransitionRecorder.Features(environment.ObservationFeatures(), environment.StateNames(), environment.ActionNames, rlColumns, video);
        var (recorder, firstEpisode) = await OpenDatasetAsync(root, env.Fps, features, robotType, resume);
        options = options with { FirstEpisodeIndex = firstEpisode };
        // The teleoperator's own keys (keyboard_ee) own the terminal; lerobot-record's keys need it otherwise.
        using var controls = keyboardTeleop ? null : new RecordControls(Console.OpenStandardInput());
        using var raw = keyboardTeleop ? null : Devices.Teleoperators.RawTerminal.Enter();
        var display = new RecordDisplay(Console.Error, !Console.IsErrorRedirected);
        Console.Error.WriteLine($"Recording {episodes} episode(s) of \"{task}\" at {env.Fps} fps into {root}" +
            (environment.IsSim ? $" on the simulated workcell ({environment.Workcell!.Task.Name}, seed {seed})" : "") +
            (controls is null ? "." : ". Keys: → or n next episode, ← or r re-record, Esc or q stop."));
        var summary = await new EpisodeRecording(environment.Env, new TransitionRecorder(recorder, task, rlColumns), controls, display.Show)
            .RunAsync(options, cancel);
        recorder.FinalizeDataset();
        Console.Error.WriteLine();
        Console.WriteLine($"Recorded {summary.Saved} episode(s), {summary.Frames} frames ({summary.Successes} successful, {summary.Rerecorded} re-recorded){(summary.Stopped ? ", stopped early" : "")} in {root}");
        Console.WriteLine($"Check it with `robotactors dataset validate {root}`.");
        return ExitCodes.Ok;
    }

    /// <summary>An existing dataset (--resume, same features) or a new one.</summary>
    private static async Task<(DatasetRecorder Recorder, int FirstEpisode)> OpenDatasetAsync(string root, int fps,
        List<Datasets.Format.FeatureSpec> features, string robotType, bool resume)
    {
        var exists = File.Exists(Path.Combine(root, "meta", "info.json"));
        if (!resume)
        {
            if (exists) throw new ArgumentException($"{root} already holds a dataset; pass --resume to add episodes to it, or choose another --dataset.root.");
            return (DatasetRecorder.Create(root, fps, features, robotType), 0);
        }
        if (!exists) throw new ArgumentException($"--resume: {root} holds no dataset yet; drop --resume to create it.");
        var recorder = await DatasetRecorder.OpenAsync(root);
        var have = recorder.Info.Features.Where(f => !f.IsDefault).Select(f => f.ToString()).Order().ToList();
        var want = features.Select(f => f.ToString()).Order().ToList();
        if (!have.SequenceEqual(want))
            throw new ArgumentException($"--resume: {root} has features {string.Join(", ", have.Except(want))} where this robot records {string.Join(", ", want.Except(have))}; record with the same robot, cameras and processor.");
        if (recorder.Info.Fps != fps) throw new ArgumentException($"--resume: {root} is recorded at {recorder.Info.Fps} fps, not {fps}.");
        return (recorder, (int)recorder.Info.TotalEpisodes);
    }

}
