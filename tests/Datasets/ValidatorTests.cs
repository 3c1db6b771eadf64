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

    private static void EditJson(string root, string file, Action<JsonObject> edit) => JsonFile.Edit(Path.Combine(root, file), edit);

    private static async Task<string> FirstViolationAsync(string root)
    {
        var report = await DatasetValidator.ValidateAsync(root);
        Assert.False(report.IsValid);
        return report.First!;
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
        Assert.Equal("episode 1: 12 frames [7, 19) points to data/chunk-000/file-001.parquet, which is missing.", await FirstViolationAsync(root));
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
        Assert.Equal("episode 1 frame range [4, 19) overlaps episode 0 [0, 7).", await FirstViolationAsync(root));
    }

    [Fact]
    public async Task Stats_that_do_not_match_the_data_are_named()
    {
        using var dir = new TempDir();
        string root = await ValidDatasetAsync(dir);
        EditJson(root, "meta/stats.json", stats => stats["action"]!["mean"]![1] = 42.0);
        Assert.StartsWith("meta/stats.json: 'action' does not match the data (mean[1] 42", await FirstViolationAsync(root));
    }

    [Fact]
    public async Task A_feature_shape_that_disagrees_with_info_json_is_named()
    {
        using var dir = new TempDir();
        string root = await ValidDatasetAsync(dir);
        EditJson(root, "meta/info.json", info => info["features"]!["action"]!["shape"] = new JsonArray(3));
        string first = await FirstViolationAsync(root);
        Assert.StartsWith("feature 'action': meta/info.json's shape holds 3 values but", first);
        Assert.Contains("row 0 has 2", first);
    }

    [Fact]
    public async Task An_image_shape_that_disagrees_with_info_json_is_named()
    {
        using var dir = new TempDir();
        string root = await ValidDatasetAsync(dir);
        EditJson(root, "meta/info.json", info => info["features"]!["observation.images.cam"]!["shape"] = new JsonArray(32, 24, 3));
        Assert.StartsWith("feature 'observation.images.cam': meta/info.json shape [32,24,3] but data/chunk-000/file-000.parquet holds images of [24,32,3]",
            await FirstViolationAsync(root));
    }
}
