using System.Text.Json.Nodes;
using RobotActors.Datasets.Format;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Tools;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Tests;

/// <summary>Issue 12.5: every read of a damaged dataset names the file (and the key or column) and says what to run.</summary>
public class CorruptDataMessagesTests
{
    private static async Task<string> DatasetAsync(TempDir dir)
    {
        string root = dir.Sub("ds");
        var recorder = DatasetRecorder.Create(root, SyntheticEpisodes.Fps, SyntheticEpisodes.Features());
        await SyntheticEpisodes.RecordAsync(recorder, 0, 6);
        await SyntheticEpisodes.RecordAsync(recorder, 1, 6);
        return root;
    }

    private static string DataFile(string root) => Path.Combine(root, "data", "chunk-000", "file-000.parquet");

    [Theory]
    [InlineData("overwritten")]
    [InlineData("truncated")]
    public async Task A_damaged_parquet_file_is_named_by_every_reader_with_what_to_run(string damage)
    {
        using var dir = new TempDir();
        var root = await DatasetAsync(dir);
        var bytes = File.ReadAllBytes(DataFile(root));
        if (damage == "truncated") bytes = bytes[..(bytes.Length / 2)];
        else Array.Fill(bytes, (byte)0x41, bytes.Length - 200, 140); // the footer's metadata
        File.WriteAllBytes(DataFile(root), bytes);

        var report = await DatasetValidator.ValidateAsync(root);
        Assert.StartsWith($"{DataFile(root)} is not a readable Parquet file", report.First);

        var ds = await LeRobotDataset.OpenAsync(root);
        foreach (var read in new Func<Task>[] { ds.CheckFilesAsync, () => Task.FromResult(ds.Get(0)), ds.CheckShapesAsync })
        {
            var e = await Assert.ThrowsAsync<DatasetFormatException>(read);
            Assert.StartsWith($"{DataFile(root)} is not a readable Parquet file", e.Message);
            Assert.EndsWith($"Run `robotactors dataset validate {root}` to list every problem of the dataset.", e.Message);
        }
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_in_the_json_metadata_names_the_file_and_the_key()
    {
        using var dir = new TempDir();
        var root = await DatasetAsync(dir);
        var info = Path.Combine(root, DatasetPaths.InfoPath);
        JsonFile.Edit(info, o => o["fps"] = "thirty");
        var e = await Assert.ThrowsAsync<DatasetFormatException>(() => LeRobotDataset.OpenAsync(root));
        Assert.StartsWith($"{info}: 'fps' must be a number, got \"thirty\".", e.Message);
        Assert.Contains($"`robotactors dataset validate {root}`", e.Message);

        JsonFile.Edit(info, o => { o["fps"] = 10; o["features"]!["action"]!["shape"] = new JsonArray("two"); });
        e = await Assert.ThrowsAsync<DatasetFormatException>(() => LeRobotDataset.OpenAsync(root));
        Assert.StartsWith($"{info}: 'features.action.shape[0]' must be an integer, got \"two\".", e.Message);

        JsonFile.Edit(info, o => o["features"]!["action"]!["shape"] = new JsonArray(2));
        var stats = Path.Combine(root, DatasetPaths.StatsPath);
        JsonFile.Edit(stats, o => o["action"]!["mean"] = new JsonArray("x", 1));
        e = await Assert.ThrowsAsync<DatasetFormatException>(() => LeRobotDataset.OpenAsync(root));
        Assert.StartsWith($"{stats}: 'action.mean' must be a number, got \"x\".", e.Message);
        Assert.EndsWith($"Run `robotactors dataset stats {root} --recompute` to rewrite meta/stats.json from the data.", e.Message);
        // ...and that command does what it says, although meta/stats.json cannot be read.
        await DatasetTools.RecomputeStatsAsync(root);
        Assert.Equal(2, (await LeRobotDataset.OpenAsync(root)).Stats["action"].Values["mean"].Length);
    }

    [Fact]
    public async Task A_shape_the_stats_or_rows_disagree_with_is_found_before_training()
    {
        using var dir = new TempDir();
        var root = await DatasetAsync(dir);
        var info = Path.Combine(root, DatasetPaths.InfoPath);
        JsonFile.Edit(info, o => o["features"]!["observation.state"]!["shape"] = new JsonArray(4));
        var e = await Assert.ThrowsAsync<DatasetFormatException>(async () => await (await LeRobotDataset.OpenAsync(root)).CheckShapesAsync());
        Assert.StartsWith($"{Path.Combine(root, DatasetPaths.StatsPath)}: 'observation.state' has 3 values per statistic but meta/info.json gives it shape [4]", e.Message);

        File.Delete(Path.Combine(root, DatasetPaths.StatsPath));
        e = await Assert.ThrowsAsync<DatasetFormatException>(async () => await (await LeRobotDataset.OpenAsync(root)).CheckShapesAsync());
        Assert.StartsWith($"feature 'observation.state': meta/info.json's shape holds 4 values but {DataFile(root)} row 0 has 3", e.Message);
        Assert.Contains("`robotactors dataset validate", e.Message);
    }
}
