using System.CommandLine;
using RobotActors.Datasets;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Stats;
using RobotActors.Datasets.Tools;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors dataset info|validate|stats|convert|merge|split`: LeRobot v3.0 datasets (v2.1 read and
/// converted). Exit code 0 on success, 1 when the dataset is invalid or the input is refused.
/// </summary>
public static class DatasetCommand
{
    public static Command Create()
    {
        var dataset = new Command("dataset", "Inspect, validate and transform LeRobot datasets (v3.0; v2.1 read and converted).");
        dataset.Add(Info());
        dataset.Add(Validate());
        dataset.Add(Stats());
        dataset.Add(Convert());
        dataset.Add(Merge());
        dataset.Add(Split());
        return dataset;
    }

    private static Argument<string> RootArgument() => new("root") { Description = "Dataset root folder (the one holding meta/info.json)." };

    private static Option<string> OutputOption(bool required) => new("--output")
    {
        Description = "Folder for the new dataset (must not exist or be empty).",
        Required = required,
    };

    /// <summary>Runs a command body, turning a refused dataset into a one-line error and exit code 1.</summary>
    private static async Task<int> Guarded(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (DatasetFormatException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static Command Info()
    {
        var root = RootArgument();
        var command = new Command("info", "Features, episodes, frames, fps, tasks and size of a dataset.") { root };
        command.SetAction(parse => Guarded(async () =>
        {
            var ds = await LeRobotDataset.OpenAsync(parse.GetValue(root)!);
            await ds.CheckFilesAsync(); // a summary of a dataset whose files cannot be read would mislead
            foreach (var line in DatasetSummary.Lines(ds))
                Console.WriteLine(line);
            return 0;
        }));
        return command;
    }

    private static Command Validate()
    {
        var root = RootArgument();
        var command = new Command("validate", "Check every invariant of a v3.0 dataset; names the first violation.") { root };
        command.SetAction(parse => Guarded(async () =>
        {
            var report = await DatasetValidator.ValidateAsync(parse.GetValue(root)!);
            if (report.IsValid)
            {
                Console.WriteLine("valid");
                return 0;
            }
            Console.WriteLine($"invalid: {report.First}");
            foreach (var v in report.Violations.Skip(1))
                Console.WriteLine($"  also: {v}");
            return 1;
        }));
        return command;
    }

    private static Command Stats()
    {
        var root = RootArgument();
        var recompute = new Option<bool>("--recompute") { Description = "Recompute per-episode stats and meta/stats.json from the data." };
        var command = new Command("stats", "Print meta/stats.json, or recompute it from the data.") { root, recompute };
        command.SetAction(parse => Guarded(async () =>
        {
            string path = parse.GetValue(root)!;
            Dictionary<string, FeatureStats> stats;
            if (parse.GetValue(recompute))
                stats = await DatasetTools.RecomputeStatsAsync(path);
            else
            {
                var ds = await LeRobotDataset.OpenAsync(path);
                await ds.CheckFilesAsync(); // stats of data that can no longer be read would mislead
                stats = ds.Stats.ToDictionary();
            }
            foreach (var (key, s) in stats)
            {
                Console.WriteLine($"{key} (count {s.N})");
                foreach (var name in new[] { FeatureStats.Mean, FeatureStats.Std, FeatureStats.Min, FeatureStats.Max })
                    if (s.Values.TryGetValue(name, out var v))
                        Console.WriteLine($"  {name,-5} [{string.Join(", ", v.Select(x => x.ToString("G5", System.Globalization.CultureInfo.InvariantCulture)))}]");
            }
            if (parse.GetValue(recompute))
                Console.WriteLine($"recomputed stats of {stats.Count} features");
            return 0;
        }));
        return command;
    }

    private static Command Convert()
    {
        var root = RootArgument();
        var output = OutputOption(required: false);
        var command = new Command("convert", "Convert a v2.1 dataset to v3.0 (written beside it as <root>-v3.0 unless --output is given).") { root, output };
        command.SetAction(parse => Guarded(async () =>
        {
            string source = parse.GetValue(root)!;
            string destination = parse.GetValue(output) ?? source.TrimEnd('/') + "-v3.0";
            var info = await DatasetTools.ConvertAsync(source, destination);
            Console.WriteLine($"converted {info.TotalEpisodes} episodes, {info.TotalFrames} frames to {destination}");
            return 0;
        }));
        return command;
    }

    private static Command Merge()
    {
        var roots = new Argument<string[]>("roots") { Description = "Datasets to merge, in order.", Arity = ArgumentArity.OneOrMore };
        var output = OutputOption(required: true);
        var command = new Command("merge", "Concatenate datasets with the same features and fps into a new dataset.") { roots, output };
        command.SetAction(parse => Guarded(async () =>
        {
            var info = await DatasetTools.MergeAsync(parse.GetValue(roots)!, parse.GetValue(output)!);
            Console.WriteLine($"merged into {parse.GetValue(output)}: {info.TotalEpisodes} episodes, {info.TotalFrames} frames");
            return 0;
        }));
        return command;
    }

    private static Command Split()
    {
        var root = RootArgument();
        var episodes = new Option<long[]>("--episodes")
        {
            Description = "Episode indices to keep, in the order they should appear.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var output = OutputOption(required: true);
        var command = new Command("split", "Write the chosen episodes of a dataset as a new dataset.") { root, episodes, output };
        command.SetAction(parse => Guarded(async () =>
        {
            var info = await DatasetTools.SplitAsync(parse.GetValue(root)!, parse.GetValue(output)!, parse.GetValue(episodes)!);
            Console.WriteLine($"wrote {info.TotalEpisodes} episodes, {info.TotalFrames} frames to {parse.GetValue(output)}");
            return 0;
        }));
        return command;
    }
}
