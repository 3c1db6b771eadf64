using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Writing;
using RobotActors.Host;

namespace RobotActors.Host.Tests;

[CollectionDefinition("console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>`robotactors dataset ...` end to end through the command tree, on a real dataset on disk.</summary>
[Collection("console")]
public sealed class DatasetCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ra-cli-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    private async Task<string> RecordAsync(string name, int episodes)
    {
        string root = Path.Combine(_dir, name);
        var recorder = DatasetRecorder.Create(root, 15,
        [
            FeatureSpec.Numeric("action", DTypes.Float32, [2]),
            FeatureSpec.Camera("observation.images.top", 8, 8),
        ]);
        for (int e = 0; e < episodes; e++)
        {
            for (int i = 0; i < 5 + e; i++)
                recorder.AddFrame(new Dictionary<string, object>
                {
                    ["action"] = new float[] { e, i },
                    ["observation.images.top"] = new ImageFrame(8, 8, 3, Enumerable.Range(0, 192).Select(p => (byte)(p + i)).ToArray()),
                }, "wave");
            await recorder.SaveEpisodeAsync();
        }
        return root;
    }

    private static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => InProcessCli.RunAsync(args);

    [Fact]
    public async Task Info_prints_features_episodes_frames_fps_and_tasks()
    {
        string root = await RecordAsync("ds", 2);
        var (code, output, _) = await RunAsync("dataset", "info", root);
        Assert.Equal(0, code);
        Assert.Contains("episodes:        2", output);
        Assert.Contains("frames:          11", output);
        Assert.Contains("fps:             15", output);
        Assert.Contains("[0] wave", output);
        Assert.Contains("observation.images.top", output);
    }

    [Fact]
    public async Task Validate_exits_nonzero_naming_the_first_violation()
    {
        string root = await RecordAsync("ds", 2);
        Assert.Equal(0, (await RunAsync("dataset", "validate", root)).Code);
        File.Delete(Path.Combine(root, "data/chunk-000/file-000.parquet"));
        var (code, output, _) = await RunAsync("dataset", "validate", root);
        Assert.Equal(1, code);
        Assert.StartsWith("invalid: episode 0: 5 frames [0, 5) points to data/chunk-000/file-000.parquet, which is missing.", output);
    }

    [Fact]
    public async Task Split_merge_and_stats_recompute_produce_valid_datasets()
    {
        string a = await RecordAsync("a", 3);
        string b = await RecordAsync("b", 1);
        string split = Path.Combine(_dir, "split");
        Assert.Equal(0, (await RunAsync("dataset", "split", a, "--episodes", "2", "0", "--output", split)).Code);
        Assert.Equal(2, DatasetInfo.Load(split).TotalEpisodes);
        string merged = Path.Combine(_dir, "merged");
        Assert.Equal(0, (await RunAsync("dataset", "merge", split, b, "--output", merged)).Code);
        Assert.Equal(3, DatasetInfo.Load(merged).TotalEpisodes);
        var (code, output, _) = await RunAsync("dataset", "stats", merged, "--recompute");
        Assert.Equal(0, code);
        Assert.Contains("action (count 17)", output);
        Assert.Equal(0, (await RunAsync("dataset", "validate", merged)).Code);
    }

    [Fact]
    public async Task A_folder_that_is_not_a_dataset_is_refused_with_the_reason()
    {
        Directory.CreateDirectory(_dir);
        var (code, _, error) = await RunAsync("dataset", "info", _dir);
        Assert.Equal(1, code);
        Assert.Contains("is not a LeRobot dataset root (expected meta/info.json)", error);
    }
}
