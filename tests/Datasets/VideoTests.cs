using System.Text.Json.Nodes;
using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Tools;
using RobotActors.Datasets.Video;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Tests;

public class VideoTests
{
    private const int H = 64, W = 96; // libsvtav1 needs at least 64 px each way
    private static readonly int[] Lengths = [10, 15];

    private static async Task<string> RecordVideoAsync(TempDir dir, double videoFilesSizeInMb = 200)
    {
        string root = dir.Sub("video");
        var recorder = DatasetRecorder.Create(root, SyntheticEpisodes.Fps, SyntheticEpisodes.Features(video: true, h: H, w: W),
            videoFilesSizeInMb: videoFilesSizeInMb);
        for (int e = 0; e < Lengths.Length; e++)
            await SyntheticEpisodes.RecordAsync(recorder, e, Lengths[e]);
        return root;
    }

    private static double MeanAbsDiff(ImageFrame a, ImageFrame b)
    {
        double sum = 0;
        for (int i = 0; i < a.Pixels.Length; i++)
            sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        return sum / a.Pixels.Length;
    }

    /// <summary>The decoded frame is close to its original and closer to it than to its neighbours.</summary>
    private static void AssertIsFrame(int episode, int i, int length, ImageFrame decoded)
    {
        double own = MeanAbsDiff(SyntheticEpisodes.Image(episode, i, 0, H, W), decoded);
        Assert.True(own < 4, $"episode {episode} frame {i}: mean abs diff {own}");
        foreach (int j in new[] { i - 1, i + 1 }.Where(j => j >= 0 && j < length))
            Assert.True(MeanAbsDiff(SyntheticEpisodes.Image(episode, j, 0, H, W), decoded) > own, $"episode {episode} frame {i} looks like frame {j}");
    }

    [FfmpegFact]
    public async Task Video_features_round_trip_through_concatenated_mp4_files()
    {
        using var dir = new TempDir();
        string root = await RecordVideoAsync(dir);
        var ds = await LeRobotDataset.OpenAsync(root);
        Assert.Equal(DatasetPaths.DefaultVideoPath, ds.Info.VideoPath);
        Assert.Equal("av1", ds.Info.Feature("observation.images.cam").Extra["info"]!["video.codec"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(root, "videos/observation.images.cam/chunk-000/file-000.mp4")));
        var seg = ds.Episodes[1].Videos["observation.images.cam"];
        Assert.Equal((1.0, 2.5), (seg.FromTimestamp, seg.ToTimestamp));
        Assert.Equal(2.5, await VideoFiles.ProbeDurationAsync(Path.Combine(root, "videos/observation.images.cam/chunk-000/file-000.mp4")), 2);
        for (int e = 0; e < Lengths.Length; e++)
            for (int i = 0; i < Lengths[e]; i++)
            {
                var f = ds.GetGlobal(ds.Episodes[e].DatasetFromIndex + i);
                AssertIsFrame(e, i, Lengths[e], f["observation.images.cam"].Image);
                Assert.Equal(SyntheticEpisodes.Action(e, i), f["action"].ToFloats());
            }
        var report = await DatasetValidator.ValidateAsync(root);
        Assert.True(report.IsValid, report.First);
        Assert.Equal([3, 1, 1], ds.Stats["observation.images.cam"].Shape);
    }

    [FfmpegFact]
    public async Task A_new_video_file_starts_when_the_size_threshold_is_reached()
    {
        using var dir = new TempDir();
        string root = await RecordVideoAsync(dir, videoFilesSizeInMb: 0.0001);
        var ds = await LeRobotDataset.OpenAsync(root);
        var seg = ds.Episodes[1].Videos["observation.images.cam"];
        Assert.Equal((0, 1, 0.0, 1.5), (seg.ChunkIndex, seg.FileIndex, seg.FromTimestamp, seg.ToTimestamp));
        Assert.True(File.Exists(Path.Combine(root, "videos/observation.images.cam/chunk-000/file-001.mp4")));
        AssertIsFrame(1, 14, 15, ds.GetGlobal(24)["observation.images.cam"].Image);
        var report = await DatasetValidator.ValidateAsync(root);
        Assert.True(report.IsValid, report.First);
    }

    [FfmpegFact]
    public async Task Frames_are_found_despite_drift_in_the_stored_from_timestamp()
    {
        using var dir = new TempDir();
        string root = await RecordVideoAsync(dir);
        var info = DatasetInfo.Load(root);
        var episodes = await EpisodesTable.LoadAllAsync(root);
        // Long concatenated videos accumulate float error in from_timestamp; simulate it both ways.
        foreach (double drift in new[] { +0.004, -0.004 })
        {
            var seg = episodes[1].Videos["observation.images.cam"];
            episodes[1].Videos["observation.images.cam"] = seg with { FromTimestamp = 1.0 + drift, ToTimestamp = 2.5 + drift };
            await EpisodesTable.WriteAsync(root, info, 0, 0, episodes);
            var ds = await LeRobotDataset.OpenAsync(root);
            for (int i = 0; i < Lengths[1]; i++)
                AssertIsFrame(1, i, Lengths[1], ds.GetGlobal(10 + i)["observation.images.cam"].Image);
        }
    }

    [FfmpegFact]
    public async Task A_video_dataset_converts_and_splits_into_valid_datasets()
    {
        using var dir = new TempDir();
        string root = await RecordVideoAsync(dir);
        string split = dir.Sub("split");
        await DatasetTools.SplitAsync(root, split, [1]);
        var report = await DatasetValidator.ValidateAsync(split);
        Assert.True(report.IsValid, report.First);
        var ds = await LeRobotDataset.OpenAsync(split);
        Assert.Equal(15, ds.Count);
        Assert.Equal((0.0, 1.5), (ds.Episodes[0].Videos["observation.images.cam"].FromTimestamp, ds.Episodes[0].Videos["observation.images.cam"].ToTimestamp));
        AssertIsFrame(1, 7, 15, ds.GetGlobal(7)["observation.images.cam"].Image);
    }
}

[CollectionDefinition("changes PATH", DisableParallelization = true)]
public sealed class ChangesPathCollection;

[Collection("changes PATH")]
public class MissingFfmpegTests
{
    [Fact]
    public async Task Without_ffmpeg_a_video_dataset_fails_naming_the_missing_program_and_the_fix()
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", "/nonexistent-bin");
        try
        {
            using var dir = new TempDir();
            var recorder = DatasetRecorder.Create(dir.Sub("v"), 10, SyntheticEpisodes.Features(video: true));
            recorder.AddFrame(SyntheticEpisodes.Frame(0, 0, 1), "t");
            var e = await Assert.ThrowsAsync<DatasetFormatException>(() => recorder.SaveEpisodeAsync());
            Assert.Contains("`ffmpeg` executable is not on PATH", e.Message);
            Assert.Contains("image", e.Message);
            // nothing was committed
            Assert.Equal(0, DatasetInfo.Load(dir.Sub("v")).TotalEpisodes);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }
}

public class LegacyVideoTests
{
    /// <summary>A v2.1 dataset with a camera stored as one MP4 per episode, read in place and converted.</summary>
    [FfmpegFact]
    public async Task A_v21_video_dataset_reads_in_place_and_converts()
    {
        const int h = 64, w = 96, fps = SyntheticEpisodes.Fps;
        int[] lengths = [6, 9];
        using var dir = new TempDir();
        string root = dir.Sub("v21");
        Directory.CreateDirectory(Path.Combine(root, "meta"));
        File.WriteAllText(Path.Combine(root, "meta/info.json"), $$"""
        {
            "codebase_version": "v2.1", "robot_type": "koch", "total_episodes": 2, "total_frames": 15, "total_tasks": 1,
            "total_videos": 2, "total_chunks": 1, "chunks_size": 1000, "fps": {{fps}}, "splits": {"train": "0:2"},
            "data_path": "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet",
            "video_path": "videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4",
            "features": {
                "observation.images.cam": {"dtype": "video", "shape": [{{h}}, {{w}}, 3], "names": ["height", "width", "channel"],
                    "video_info": {"video.fps": {{fps}}.0, "video.codec": "av1", "video.pix_fmt": "yuv420p", "video.is_depth_map": false, "has_audio": false} },
                "action": {"dtype": "float32", "shape": [2], "names": null},
                "timestamp": {"dtype": "float32", "shape": [1], "names": null},
                "frame_index": {"dtype": "int64", "shape": [1], "names": null},
                "episode_index": {"dtype": "int64", "shape": [1], "names": null},
                "index": {"dtype": "int64", "shape": [1], "names": null},
                "task_index": {"dtype": "int64", "shape": [1], "names": null}
            }
        }
        """);
        File.WriteAllLines(Path.Combine(root, "meta/tasks.jsonl"), ["""{"task_index": 0, "task": "wave"}"""]);
        File.WriteAllLines(Path.Combine(root, "meta/episodes.jsonl"),
            lengths.Select((n, e) => new JsonObject { ["episode_index"] = e, ["tasks"] = new JsonArray("wave"), ["length"] = n }.ToJsonString()));
        long from = 0;
        for (int e = 0; e < lengths.Length; e++)
        {
            var frames = Enumerable.Range(0, lengths[e]).Select(i => SyntheticEpisodes.Image(e, i, 0, h, w)).ToList();
            string video = Path.Combine(root, $"videos/chunk-000/observation.images.cam/episode_{e:D6}.mp4");
            Directory.CreateDirectory(Path.GetDirectoryName(video)!);
            await VideoFiles.EncodeAsync(video, frames, fps, new VideoEncoderOptions());
            await WriteActionsAsync(Path.Combine(root, $"data/chunk-000/episode_{e:D6}.parquet"), e, from, lengths[e]);
            from += lengths[e];
        }

        var legacy = await LeRobotDataset.OpenAsync(root);
        Assert.Equal(15, legacy.Count);
        var frame = legacy.GetGlobal(6 + 4);
        Assert.Equal(SyntheticEpisodes.Action(1, 4), frame["action"].ToFloats());
        Assert.True(MeanAbsDiff(SyntheticEpisodes.Image(1, 4, 0, h, w), frame["observation.images.cam"].Image) < 4);

        string v3 = dir.Sub("v3");
        await DatasetTools.ConvertAsync(root, v3);
        var report = await DatasetValidator.ValidateAsync(v3);
        Assert.True(report.IsValid, report.First);
        var converted = await LeRobotDataset.OpenAsync(v3);
        Assert.Equal((0.6, 1.5), (converted.Episodes[1].Videos["observation.images.cam"].FromTimestamp, converted.Episodes[1].Videos["observation.images.cam"].ToTimestamp));
        Assert.True(MeanAbsDiff(SyntheticEpisodes.Image(1, 4, 0, h, w), converted.GetGlobal(10)["observation.images.cam"].Image) < 6);
    }

    private static double MeanAbsDiff(ImageFrame a, ImageFrame b)
        => a.Pixels.Zip(b.Pixels, (x, y) => Math.Abs(x - y)).Average();

    private static async Task WriteActionsAsync(string path, int episode, long from, int n)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var action = new global::Parquet.Schema.ListField("action", new global::Parquet.Schema.DataField<float>("element"));
        var scalars = new[] { "timestamp", "frame_index", "episode_index", "index", "task_index" };
        var fields = new List<global::Parquet.Schema.Field> { action, new global::Parquet.Schema.DataField<float>("timestamp") };
        fields.AddRange(scalars.Skip(1).Select(s => (global::Parquet.Schema.Field)new global::Parquet.Schema.DataField<long>(s)));
        var schema = new global::Parquet.Schema.ParquetSchema(fields);
        await using var fs = File.Create(path);
        await using var writer = await global::Parquet.ParquetWriter.CreateAsync(schema, fs);
        using var rg = writer.CreateRowGroup();
        var leaf = (global::Parquet.Schema.DataField)action.Item;
        await rg.WriteAllPartsAsync<float>(leaf, Enumerable.Range(0, n).SelectMany(i => SyntheticEpisodes.Action(episode, i)).ToArray(),
            Enumerable.Repeat(leaf.MaxDefinitionLevel, n * 2).ToArray(), Enumerable.Range(0, n * 2).Select(i => i % 2).ToArray(), default);
        await rg.WriteAsync<float>((global::Parquet.Schema.DataField)fields[1], Enumerable.Range(0, n).Select(i => (float)i / SyntheticEpisodes.Fps).ToArray());
        await rg.WriteAsync<long>((global::Parquet.Schema.DataField)fields[2], Enumerable.Range(0, n).Select(i => (long)i).ToArray());
        await rg.WriteAsync<long>((global::Parquet.Schema.DataField)fields[3], Enumerable.Repeat((long)episode, n).ToArray());
        await rg.WriteAsync<long>((global::Parquet.Schema.DataField)fields[4], Enumerable.Range(0, n).Select(i => from + i).ToArray());
        await rg.WriteAsync<long>((global::Parquet.Schema.DataField)fields[5], new long[n]);
    }
}
