using System.CommandLine;
using RobotActors.Datasets.Reading;
using RobotActors.Policies.Training;
using RobotActors.Rl.Data;
using RobotActors.Rl.Env.Config;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors train --config_path FILE` as lerobot-train reads one: the file's policy (strictly: a misspelled key
/// names its JSON path), dataset, steps, batch size and output folder, with flags overriding its keys. A HIL-SERL
/// train config is read and checked the same way, then runs as LeRobot's learner and actor scripts do together: the
/// embedded default node (hocon/single-node.conf, or --config) with its robots running the config's session and its
/// learner training on it, the config's flags passed on as robotactors.hilserl.overrides.
/// </summary>
public static class TrainFromConfig
{
    private static readonly string[] OwnFlags = ["config_path", "plugins", "num_threads", "verbose", "config", "set"];

    public static int Run(ParseResult parse, Command command)
    {
        var flags = DottedFlags.Parse(parse, command);
        var path = DottedFlags.Get(flags, "config_path")!;
        TrainConfigFile file;
        try
        {
            file = TrainConfigReader.Read(path, flags.Where(kv => !OwnFlags.Contains(kv.Key)));
        }
        catch (LeRobotConfigException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        foreach (var w in file.Warnings) Console.Error.WriteLine(w);
        foreach (var w in file.Policy.Warnings()) Console.Error.WriteLine($"warning: {w}");
        if (file.IsHilSerl) return RunSession(path, file, flags);
        var datasetRoot = file.DatasetRoot ?? (file.DatasetRepoId is { } id ? EnvCommandErrors.DatasetRoot(null, id) : null);
        if (datasetRoot is null)
        {
            Console.Error.WriteLine($"error: {path}: dataset.root (or dataset.repo_id) is required: the recorded dataset to train on.");
            return ExitCodes.Usage;
        }
        var outputDir = file.OutputDir ?? Path.Combine("outputs", "train", $"{DateTime.Now:yyyy-MM-dd_HH-mm-ss}_{file.JobName ?? file.Policy.Type}");
        var dataset = new LeRobotPolicyDataset(LeRobotDataset.Open(datasetRoot));
        var defaults = new TrainOptions { OutputDir = outputDir };
        var options = defaults with
        {
            Steps = file.Steps ?? defaults.Steps, BatchSize = file.BatchSize ?? defaults.BatchSize, SaveFreq = file.SaveFreq ?? defaults.SaveFreq,
            LogFreq = file.LogFreq ?? defaults.LogFreq, Seed = file.Seed ?? defaults.Seed, Resume = file.Resume, DatasetRoot = Path.GetFullPath(datasetRoot),
        };
        var result = new PolicyTrainer(Console.WriteLine).Run(file.Resume ? null : file.Policy, dataset, options);
        Console.WriteLine($"Done: step {result.Step}, last checkpoint {result.LastCheckpoint}");
        return ExitCodes.Ok;
    }

    /// <summary>The node of --config (default: the embedded default) with this config driving its robots' sessions and its learner.</summary>
    private static int RunSession(string path, TrainConfigFile file, IReadOnlyList<KeyValuePair<string, string>> flags)
    {
        static string Quote(string s) => "\"" + s.Replace("\\", "/").Replace("\"", "\\\"") + "\"";
        var overrides = flags.Where(kv => !OwnFlags.Contains(kv.Key)).Select(kv => Quote($"--{kv.Key}={kv.Value}"));
        var set = new List<string>
        {
            $"robotactors.hilserl.config-path={Quote(Path.GetFullPath(path))}",
            $"robotactors.hilserl.overrides=[{string.Join(", ", overrides)}]",
            "robotactors.control.auto-start=on",
        };
        if (file.OutputDir is { } output) set.Add($"robotactors.learner.output-dir={Quote(Path.GetFullPath(output))}");
        var node = DottedFlags.Get(flags, "config") ?? "hocon/single-node.conf";
        Console.WriteLine($"{path} is a HIL-SERL train config: its session runs on the robots of {node} and its learner trains on it " +
                          $"(LeRobot's learner and actor together); Ctrl+C stops both.");
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        return NodeCommand.RunAsync(node, set.ToArray(), stop.Token).GetAwaiter().GetResult();
    }
}
