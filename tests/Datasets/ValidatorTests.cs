using System.Text.Json.Nodes;
using RobotActors.Datasets.Format;
using RobotActors.Datasets.Tools;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Tests;

public class ValidatorTests
{
    /// <summary>Three episodes (7, 12, 5 frames), each in its own data file.</summary>
    private static async Task<string> ValidDatasetAsync(TempDir dir)
    {
        string root = dir.Sub("ds");
        var recorder = DatasetRecorder.Create(root, SyntheticEpisodes.Fps, SyntheticEpisodes.Features(), dataFilesSizeInMb: 0.0001);
        await SyntheticEpisodes.RecordAsync(recorder, 0, 7);
        await SyntheticEpisodes.RecordAsync(recorder, 1, 12);
        await SyntheticEpisodes.RecordAsync(recorder, 2, 5);
        return root;
    }

    [Fact]
    public async Task A_recorded_dataset_is_valid()
    {
        using var dir = new TempDir();
        var report = await DatasetValidator.ValidateAsync(await ValidDatasetAsync(dir));
        Assert.True(report.IsValid, report.First);
    }

    [Fact]
    public async Task A_missing_episode_file_is_named()
    {
        using var dir = new TempDir();
        string root = await ValidDatasetAsync(dir);
        File.Delete(Path.Combine(root, "data/chunk-000/file-001.parquet"));
        var report = await DatasetValidator.ValidateAsync(root);
        Assert.False(report.IsValid);
        Assert.Contains("episode 1", report.First);
        Assert.Contains("data/chunk-000/file-001.parquet, which is missing", report.First);
    }

    [Fact]
    public async Task An_overlapping_frame_range_is_named()
    {
        using var dir = new TempDir();
        string root = await ValidDatasetAsync(dir);
        var info = DatasetInfo.Load(root);
        var episodes = await EpisodesTable.LoadAllAsync(root);
        episodes[1].DatasetFromIndex = 4; // episode 0 is [0, 7)
        episodes[1].Length = episodes[1].DatasetToIndex - 4;
        await EpisodesTable.WriteAsync(root, info, episodes[1].MetaChunkIndex, episodes[1].MetaFileIndex, [episodes[1]]);
        var report = await DatasetValidator.ValidateAsync(root);
        Assert.False(report.IsValid);
        Assert.Equal("episode 1 frame range [4, 19) overlaps episode 0 [0, 7).", report.First);
    }

    [Fact]
    public async Task Stats_that_do_not_match_the_data_are_named()
    {
        using var dir = new TempDir();
        string root = await ValidDatasetAsync(dir);
        string path = Path.Combine(root, "meta/stats.json");
        var stats = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        stats["action"]!["mean"]![1] = 42.0;
        File.WriteAllText(path, stats.ToJsonString());
        var report = await DatasetValidator.ValidateAsync(root);
        Assert.False(report.IsValid);
        Assert.StartsWith("meta/stats.json: 'action' does not match the data (mean[1] 42", report.First);
    }

    [Fact]
    public async Task A_feature_shape_that_disagrees_with_info_json_is_named()
    {
        using var dir = new TempDir();
        string root = await ValidDatasetAsync(dir);
        string path = Path.Combine(root, "meta/info.json");
        var info = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        info["features"]!["action"]!["shape"] = new JsonArray(3);
        File.WriteAllText(path, info.ToJsonString());
        var report = await DatasetValidator.ValidateAsync(root);
        Assert.False(report.IsValid);
        Assert.StartsWith("feature 'action': meta/info.json's shape holds 3 values but", report.First);
        Assert.Contains("row 0 has 2", report.First);
    }

    [Fact]
    public async Task An_image_shape_that_disagrees_with_info_json_is_named()
    {
        using var dir = new TempDir();
        string root = await ValidDatasetAsync(dir);
        string path = Path.Combine(root, "meta/info.json");
        var info = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        info["features"]!["observation.images.cam"]!["shape"] = new JsonArray(32, 24, 3);
        File.WriteAllText(path, info.ToJsonString());
        var report = await DatasetValidator.ValidateAsync(root);
        Assert.False(report.IsValid);
        Assert.StartsWith("feature 'observation.images.cam': meta/info.json shape [32,24,3] but data/chunk-000/file-000.parquet holds images of [24,32,3]", report.First);
    }
}
