using System.CommandLine;
using RobotActors.Datasets.Reading;
using RobotActors.Policies.Configs;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Recording;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors replay`: one episode's actions through the action processor (lerobot-replay's --robot.* /
/// --dataset.repo_id / --dataset.root / --dataset.episode, or --config_path in gym_manipulator replay mode with
/// dataset.replay_episode). On the simulated workcell the scene comes from the recording's seed, and the
/// result says whether the replay ends in the recorded success state.
/// </summary>
public static class ReplayCommand
{
    private static readonly string[] OwnFlags = ["config_path", "seed", "verbose", "play_sounds", "dataset.episode", "dataset.root", "dataset.repo_id", "dataset.fps"];

    public static Command Create()
    {
        var command = new Command("replay", "Replay one recorded episode's actions on a robot (real or simulated) through the action processor.");
        Option[] documented =
        [
            new Option<string?>("--config_path") { Description = "A gym_manipulator config (mode \"replay\", dataset.replay_episode); --env.* / --dataset.* flags override its keys." },
            new Option<string?>("--robot.type") { Description = "lerobot-replay: the follower." },
            new Option<string?>("--robot.port") { Description = "lerobot-replay: its bus, or \"sim\"." },
            new Option<string?>("--robot.id") { Description = "lerobot-replay: its calibration id." },
            new Option<string?>("--robot.calibration_dir") { Description = "lerobot-replay: where <id>.json is." },
            new Option<string?>("--dataset.repo_id") { Description = "The dataset ($HF_LEROBOT_HOME/<repo_id> unless --dataset.root)." },
            new Option<string?>("--dataset.root") { Description = "The dataset folder." },
            new Option<int?>("--dataset.episode") { Description = "The episode to replay (lerobot-replay; overrides dataset.replay_episode)." },
            new Option<int?>("--dataset.fps") { Description = "lerobot-replay: the rate (the dataset's fps)." },
            new Option<int?>("--seed") { Description = "Simulated robot: the seed the episodes were recorded with (1000)." },
        ];
        foreach (var o in documented) command.Add(o);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancel) => EnvCommandErrors.Run(() => RunAsync(DottedFlags.Parse(parse, command), cancel), parse.GetValue(CliOptions.Verbose)));
        return command;
    }

    private static async Task<int> RunAsync(List<KeyValuePair<string, string>> flags, CancellationToken cancel)
    {
        var seed = DottedFlags.Int(DottedFlags.Get(flags, "seed"), "--seed") ?? 1000;
        var episodeFlag = DottedFlags.Int(DottedFlags.Get(flags, "dataset.episode"), "--dataset.episode");
        var configPath = DottedFlags.Get(flags, "config_path");
        HilSerlRobotEnvConfig env;
        string root;
        long episode;
        if (configPath is not null)
        {
            var overrides = flags.Where(kv => kv.Key is not ("config_path" or "seed" or "verbose" or "play_sounds" or "dataset.episode")).ToList();
            if (!overrides.Any(kv => kv.Key == "mode")) overrides.Add(new("mode", "\"replay\""));
            if (episodeFlag is { } e) overrides.Add(new("dataset.replay_episode", e.ToString()));
            var config = GymManipulatorConfigReader.Read(configPath, overrides);
            foreach (var w in config.Warnings) Console.Error.WriteLine(w);
            env = config.Env;
            root = EnvCommandErrors.DatasetRoot(config.Dataset!.Root, config.Dataset.RepoId);
            episode = config.Dataset.ReplayEpisode!.Value;
        }
        else
        {
            root = EnvCommandErrors.DatasetRoot(DottedFlags.Get(flags, "dataset.root"), DottedFlags.Get(flags, "dataset.repo_id"));
            episode = episodeFlag ?? throw new ArgumentException("--dataset.episode is required: the episode to replay.");
            var recorded = await LeRobotDataset.OpenAsync(root);
            var names = recorded.Info.Features.FirstOrDefault(f => f.Key == PolicyKeys.Action)?.Names?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
            var withFps = flags.Any(kv => kv.Key == "dataset.fps") ? flags : [.. flags, new("dataset.fps", recorded.Fps.ToString())];
            (env, _) = LeRobotFlagsEnv.Build(withFps, needTeleop: false, OwnFlags, jointActions: names.All(n => n.EndsWith(".pos", StringComparison.Ordinal)));
        }
        var dataset = await LeRobotDataset.OpenAsync(root);
        using var environment = RobotEnvironment.Open(env, new RobotEnvironmentOptions { UseTeleoperator = false, UseEnvReward = true, Seed = seed, ConfigFile = configPath });
        Console.Error.WriteLine($"Replaying episode {episode} of {root} ({dataset.Episode(episode).Length} actions at {dataset.Fps} fps)" +
            (environment.IsSim ? $" on the simulated workcell, scene seed {EpisodeRecording.EpisodeSeed(seed, episode)}." : "."));
        var result = new EpisodeReplay(environment.Env).Run(dataset, episode, seed, cancel: cancel);
        Console.WriteLine($"replayed episode {result.Episode}: {result.Actions} actions; " +
            $"recorded: {(result.RecordedSuccessStep is { } r ? $"success (reward {result.RecordedReward:G3}) at step {r}" : "no success")}; " +
            (environment.IsSim ? $"replay: {(result.FirstSuccessStep is { } s ? $"success at step {s}" : "no success")}, final state {(result.FinalSuccess ? "success" : "not success")}" : "done"));
        if (environment.IsSim && (result.RecordedSuccessStep is not null) != (result.FirstSuccessStep is not null))
        {
            Console.WriteLine("The replay did not end as the recording did (was it recorded with another --seed, or in real time?).");
            return ExitCodes.Failed;
        }
        return ExitCodes.Ok;
    }
}
