using System.CommandLine;
using RobotActors.Datasets.Reading;
using RobotActors.Policies.Training;
using RobotActors.Rl.Data;
using RobotActors.Rl.Env.Config;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors train --config_path FILE` as lerobot-train reads one: the file's policy (strictly: a misspelled key
/// names its JSON path), dataset, steps, batch size and output folder, with flags overriding its keys. A HIL-SERL
/// train config is read and checked the same way; this command trains its policy offline on the config's dataset
/// (the demonstrations), while the online actor/learner session runs on the cluster.
/// </summary>
public static class TrainFromConfig
{
    private static readonly string[] OwnFlags = ["config_path", "plugins", "num_threads", "verbose"];

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
        if (file.IsHilSerl)
            Console.Error.WriteLine($"{path} is a HIL-SERL train config (env {(file.Env?.Robot?.IsSim == true ? "on the simulated workcell" : file.Env?.Robot?.Arm.Type ?? "-")}" +
                $"{(file.Algorithm is null ? "" : ", algorithm sac")}{(file.Mixer is null ? "" : $", mixer {file.Mixer}")}); training its '{file.Policy.Type}' policy offline on the dataset's demonstrations.");
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
}
