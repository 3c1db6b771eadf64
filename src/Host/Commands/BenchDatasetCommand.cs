using System.CommandLine;
using System.Globalization;
using RobotActors.Datasets.Tools;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors bench dataset`: write and read frames/s of a 2-camera 128×128 image dataset.</summary>
public static class BenchDatasetCommand
{
    public static Command Create()
    {
        var episodes = new Option<int>("--episodes") { Description = "Episodes to record.", DefaultValueFactory = _ => 10 };
        var frames = new Option<int>("--frames") { Description = "Frames per episode.", DefaultValueFactory = _ => 200 };
        var batch = new Option<int>("--batch-size") { Description = "Loader batch size.", DefaultValueFactory = _ => 32 };
        var workers = new Option<int>("--workers") { Description = "Loader worker threads.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("dataset", "Frames/s writing, and reading in batches (sequential and shuffled), a 2-camera 128x128 PNG-in-Parquet dataset.")
        {
            episodes, frames, batch, workers,
        };
        command.SetAction(async parse =>
        {
            string root = Path.Combine(Path.GetTempPath(), "robotactors-bench-dataset-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                var r = await DatasetBenchmark.RunAsync(root, parse.GetValue(episodes), parse.GetValue(frames), parse.GetValue(batch), parse.GetValue(workers));
                var inv = CultureInfo.InvariantCulture;
                Console.WriteLine(string.Create(inv, $"dataset: {r.Frames} frames, 2 cameras 128x128 PNG in Parquet, {r.SizeMb:F1} MB, batch {parse.GetValue(batch)}, {parse.GetValue(workers)} workers"));
                Console.WriteLine(string.Create(inv, $"write (record + save_episode):  {r.WriteFps,10:F0} frames/s"));
                Console.WriteLine(string.Create(inv, $"read sequential batches:        {r.SequentialReadFps,10:F0} frames/s"));
                Console.WriteLine(string.Create(inv, $"read random (shuffled) batches: {r.RandomReadFps,10:F0} frames/s"));
            }
            finally
            {
                if (Directory.Exists(root))
                    Directory.Delete(root, recursive: true);
            }
        });
        return command;
    }
}
