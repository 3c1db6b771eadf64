using System.Text.Json.Nodes;
using RobotActors.Datasets.Format;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Stats;
using RobotActors.Datasets.Tools;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Tests;

public class LegacyAndToolsTests
{
    private static readonly int[] Lengths = [4, 6, 5];

    /// <summary>A v2.1 dataset as LeRobot 0.3 wrote it: a Parquet file per episode and JSON-lines metadata.</summary>
    private static async Task<string> WriteV21Async(TempDir dir)
    {
        string root = dir.Sub("v21");
        Directory.CreateDirectory(Path.Combine(root, "meta"));
        File.WriteAllText(Path.Combine(root, "meta/info.json"), $$"""
        {
            "codebase_version": "v2.1", "robot_type": "so100", "total_episodes": 3, "total_frames": 15,
            "total_tasks": 2, "total_videos": 0, "total_chunks": 1, "chunks_size": 1000, "fps": 30,
            "splits": {"train": "0:3"},
            "data_path": "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet",
            "video_path": "videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4",
            "features": {{PublishedLayoutTests.FeaturesJson}}
        }
        """);
        long from = 0;
        var episodes = new List<string>();
        for (int e = 0; e < Lengths.Length; e++)
        {
            await PublishedLayoutTests.WriteDataFile(Path.Combine(root, $"data/chunk-000/episode_{e:D6}.parquet"), [(e, from, Lengths[e])]);
            episodes.Add(new JsonObject { ["episode_index"] = e, ["tasks"] = new JsonArray(e % 2 == 0 ? "Grasp the block" : "Lift the block"), ["length"] = Lengths[e] }.ToJsonString());
            from += Lengths[e];
        }
        File.WriteAllLines(Path.Combine(root, "meta/episodes.jsonl"), episodes);
        File.WriteAllLines(Path.Combine(root, "meta/tasks.jsonl"),
        [
            """{"task_index": 0, "task": "Grasp the block"}""",
            """{"task_index": 1, "task": "Lift the block"}""",
        ]);
        File.WriteAllLines(Path.Combine(root, "meta/episodes_stats.jsonl"),
            Enumerable.Range(0, 3).Select(e => new JsonObject
            {
                ["episode_index"] = e,
                ["stats"] = JsonNode.Parse("{\"observation.state\": {\"min\": [0, 0, 0], \"max\": [1, 1, 1], \"mean\": [0.5, 0.5, 0.5], \"std\": [0.1, 0.1, 0.1], \"count\": [" + Lengths[e] + "]}}"),
            }.ToJsonString()));
        return root;
    }

    [Fact]
    public async Task A_v21_dataset_reads_in_place_and_converts_to_a_valid_v3_dataset()
    {
        using var dir = new TempDir();
        string v21 = await WriteV21Async(dir);
        var legacy = await LeRobotDataset.OpenAsync(v21);
        Assert.True(legacy.IsLegacy);
        Assert.Equal(15, legacy.Count);
        Assert.Equal((4L, 10L), (legacy.Episodes[1].DatasetFromIndex, legacy.Episodes[1].DatasetToIndex));
        Assert.Equal(PublishedLayoutTests.State(12), legacy.GetGlobal(12)["observation.state"].ToFloats());
        Assert.Equal(PublishedLayoutTests.Pixels(9), legacy.GetGlobal(9)["observation.image"].Image.Pixels);
        Assert.Equal("Lift the block", legacy.GetGlobal(5).Task);
        Assert.Equal(6, legacy.Episodes[1].Stats["observation.state"].N);

        string v3 = dir.Sub("v3");
        await DatasetTools.ConvertAsync(v21, v3);
        var report = await DatasetValidator.ValidateAsync(v3);
        Assert.True(report.IsValid, report.First);
        var converted = await LeRobotDataset.OpenAsync(v3);
        Assert.Equal("v3.0", converted.Info.CodebaseVersion);
        Assert.Equal(legacy.Tasks, converted.Tasks);
        for (long g = 0; g < 15; g++)
        {
            var a = legacy.GetGlobal(g);
            var b = converted.GetGlobal(g);
            Assert.Equal(a["observation.state"].ToFloats(), b["observation.state"].ToFloats());
            Assert.Equal(a["next.reward"].ToFloats(), b["next.reward"].ToFloats());
            Assert.Equal(a["observation.image"].Image.Pixels, b["observation.image"].Image.Pixels);
            Assert.Equal(a.EpisodeIndex, b.EpisodeIndex);
            Assert.Equal(a.Task, b.Task);
        }
        // validate refuses the v2.1 original and says how to fix it
        var legacyReport = await DatasetValidator.ValidateAsync(v21);
        Assert.Contains("dataset convert", legacyReport.First);
    }

    private static async Task<string> RecordAsync(TempDir dir, string name, params (int Episode, int Length)[] episodes)
    {
        string root = dir.Sub(name);
        var recorder = DatasetRecorder.Create(root, SyntheticEpisodes.Fps, SyntheticEpisodes.Features());
        foreach (var (e, n) in episodes)
            await SyntheticEpisodes.RecordAsync(recorder, e, n);
        return root;
    }

    [Fact]
    public async Task Merge_concatenates_episodes_and_split_keeps_the_chosen_ones()
    {
        using var dir = new TempDir();
        string a = await RecordAsync(dir, "a", (0, 5), (1, 6));
        string b = await RecordAsync(dir, "b", (2, 4));
        string merged = dir.Sub("merged");
        await DatasetTools.MergeAsync([a, b], merged);
        Assert.True((await DatasetValidator.ValidateAsync(merged)).IsValid);
        var m = await LeRobotDataset.OpenAsync(merged);
        Assert.Equal(3, m.Episodes.Count);
        Assert.Equal(15, m.Count);
        Assert.Equal(SyntheticEpisodes.Action(2, 3), m.GetGlobal(14)["action"].ToFloats());
        Assert.Equal(2, m.GetGlobal(14).EpisodeIndex);
        Assert.Equal(["pick the cube", "push the cube"], m.Tasks);

        string split = dir.Sub("split");
        await DatasetTools.SplitAsync(merged, split, [2, 0]);
        var report = await DatasetValidator.ValidateAsync(split);
        Assert.True(report.IsValid, report.First);
        var s = await LeRobotDataset.OpenAsync(split);
        Assert.Equal(2, s.Episodes.Count);
        Assert.Equal(4, s.Episodes[0].Length);
        Assert.True(SyntheticEpisodes.Image(0, 4).SameAs(s.GetGlobal(8)["observation.images.cam"].Image));
        Assert.Equal(9, s.Stats["action"].N);
    }

    [Fact]
    public async Task Merge_refuses_datasets_whose_features_differ()
    {
        using var dir = new TempDir();
        string a = await RecordAsync(dir, "a", (0, 3));
        string b = dir.Sub("b");
        var other = DatasetRecorder.Create(b, SyntheticEpisodes.Fps, [FeatureSpec.Numeric("action", DTypes.Float32, [7])]);
        other.AddFrame(new Dictionary<string, object> { ["action"] = new float[7] }, "t");
        await other.SaveEpisodeAsync();
        var e = await Assert.ThrowsAsync<DatasetFormatException>(() => DatasetTools.MergeAsync([a, b], dir.Sub("m")));
        Assert.Contains("features differ", e.Message);
    }

    [Fact]
    public async Task Stats_recompute_repairs_stats_that_do_not_match_the_data()
    {
        using var dir = new TempDir();
        string root = await RecordAsync(dir, "ds", (0, 5), (1, 8));
        var good = StatsJson.Load(root);
        StatsJson.Save(root, new Dictionary<string, FeatureStats> { ["action"] = good["observation.state"] });
        Assert.False((await DatasetValidator.ValidateAsync(root)).IsValid);
        await DatasetTools.RecomputeStatsAsync(root);
        var report = await DatasetValidator.ValidateAsync(root);
        Assert.True(report.IsValid, report.First);
        Assert.True(StatsJson.Load(root)["action"].CompareTo(good["action"]).Difference < 1e-9);
    }
}
