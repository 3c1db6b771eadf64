using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Stats;

namespace RobotActors.Datasets.Tests;

/// <summary>
/// A v3.0 dataset written by the test itself from the published format description (LeRobot's
/// dataset_metadata.py layout as pyarrow writes it: optional columns, list&lt;element&gt; vectors, image
/// struct {bytes, path}, per-episode stats as nested list columns, pandas-indexed tasks.parquet),
/// using Parquet.Net directly and none of our writer code.
/// </summary>
public class PublishedLayoutTests
{
    private const int Fps = 30;
    private static readonly int[] Lengths = [4, 6, 5];

    private static float[] State(long index) => [index * 0.1f, -index, 3.5f + index];
    private static byte[] Pixels(long index)
    {
        var px = new byte[8 * 6 * 3];
        for (int i = 0; i < px.Length; i++)
            px[i] = (byte)(i * 5 + index * 11);
        return px;
    }

    [Fact]
    public async Task A_v3_dataset_written_to_the_published_layout_reads_correctly()
    {
        using var dir = new TempDir();
        string root = dir.Path;
        Directory.CreateDirectory(Path.Combine(root, "meta"));
        File.WriteAllText(Path.Combine(root, "meta/info.json"), """
        {
            "codebase_version": "v3.0",
            "robot_type": "koch",
            "total_episodes": 3,
            "total_frames": 15,
            "total_tasks": 2,
            "chunks_size": 1000,
            "data_files_size_in_mb": 100,
            "video_files_size_in_mb": 200,
            "fps": 30,
            "splits": {"train": "0:3"},
            "data_path": "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet",
            "video_path": null,
            "features": {
                "observation.image": {"dtype": "image", "shape": [6, 8, 3], "names": ["height", "width", "channel"]},
                "observation.state": {"dtype": "float32", "shape": [3], "names": {"motors": ["shoulder", "elbow", "wrist"]}},
                "timestamp": {"dtype": "float32", "shape": [1], "names": null},
                "frame_index": {"dtype": "int64", "shape": [1], "names": null},
                "episode_index": {"dtype": "int64", "shape": [1], "names": null},
                "index": {"dtype": "int64", "shape": [1], "names": null},
                "next.reward": {"dtype": "float32", "shape": [1], "names": null},
                "task_index": {"dtype": "int64", "shape": [1], "names": null}
            }
        }
        """);

        // data: episodes 0 and 1 in file-000 (two row groups), episode 2 in file-001.
        await WriteDataFile(Path.Combine(root, "data/chunk-000/file-000.parquet"), [(0, 0, 4), (1, 4, 6)]);
        await WriteDataFile(Path.Combine(root, "data/chunk-000/file-001.parquet"), [(2, 10, 5)]);
        await WriteTasks(Path.Combine(root, "meta/tasks.parquet"), ["Grasp the block", "Lift the block"]);
        await WriteEpisodes(Path.Combine(root, "meta/episodes/chunk-000/file-000.parquet"));
        File.WriteAllText(Path.Combine(root, "meta/stats.json"), """
        {"observation.state": {"min": [0.0, -14.0, 3.5], "max": [1.4, 0.0, 17.5], "mean": [0.7, -7.0, 10.5],
          "std": [0.43, 4.32, 4.32], "count": [15], "q01": [0.0, -14.0, 3.5], "q10": [0.1, -13.0, 4.5],
          "q50": [0.7, -7.0, 10.5], "q90": [1.3, -1.0, 16.5], "q99": [1.4, 0.0, 17.5]},
         "observation.image": {"min": [[[0.0]], [[0.0]], [[0.0]]], "max": [[[1.0]], [[1.0]], [[1.0]]],
          "mean": [[[0.5]], [[0.49]], [[0.48]]], "std": [[[0.29]], [[0.29]], [[0.29]]], "count": [15]}}
        """);

        var ds = await LeRobotDataset.OpenAsync(root);
        Assert.Equal(15, ds.Count);
        Assert.Equal(30, ds.Fps);
        Assert.Equal(["Grasp the block", "Lift the block"], ds.Tasks);
        Assert.Equal(3, ds.Episodes.Count);
        Assert.Equal(1, ds.Episodes[2].DataFileIndex);
        Assert.Equal((10L, 15L), (ds.Episodes[2].DatasetFromIndex, ds.Episodes[2].DatasetToIndex));
        Assert.Equal(["Lift the block"], ds.Episodes[1].Tasks);
        for (long g = 0; g < 15; g++)
        {
            var f = ds.GetGlobal(g);
            Assert.Equal(State(g), f["observation.state"].ToFloats());
            Assert.Equal(Pixels(g), f["observation.image"].Image.Pixels);
            Assert.Equal((float)(g * 0.5), f["next.reward"].ToFloats()[0]);
            Assert.Equal(g < 4 ? 0 : g < 10 ? 1 : 2, f.EpisodeIndex);
            Assert.Equal(g < 4 ? "Grasp the block" : g < 10 ? "Lift the block" : "Grasp the block", f.Task);
        }
        Assert.Equal(15, ds.Stats["observation.state"].N);
        Assert.Equal([3, 1, 1], ds.Stats["observation.image"].Shape);
        Assert.Equal(0.49, ds.Stats["observation.image"][FeatureStats.Mean][1]);
        Assert.Equal([0.5, 0.49, 0.48], ds.Episodes[1].Stats["observation.image"][FeatureStats.Mean]);
        Assert.Equal(6, ds.Episodes[1].Stats["observation.state"].N);
        Assert.Equal(new[] { 0.4f * 1, -4, 7.5f }.Select(v => (double)v), ds.Episodes[1].Stats["observation.state"][FeatureStats.Min]);
    }

    // pyarrow writes every field optional and lists as list<element: T> with an optional element.
    private static async Task WriteDataFile(string path, (long Episode, long From, int Length)[] episodes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var image = new StructField("observation.image", new DataField<byte[]>("bytes", true), new DataField<string>("path", true));
        var state = new ListField("observation.state", new DataField<float?>("element"));
        var timestamp = new DataField<float?>("timestamp");
        var frameIndex = new DataField<long?>("frame_index");
        var episodeIndex = new DataField<long?>("episode_index");
        var index = new DataField<long?>("index");
        var reward = new DataField<float?>("next.reward");
        var taskIndex = new DataField<long?>("task_index");
        var schema = new ParquetSchema(image, state, timestamp, frameIndex, episodeIndex, index, reward, taskIndex);
        await using var fs = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, fs);
        foreach (var (ep, from, n) in episodes)
        {
            using var rg = writer.CreateRowGroup();
            var rows = Enumerable.Range(0, n).Select(i => from + i).ToArray();
            var bytesLeaf = (DataField)image.Fields[0];
            var pathLeaf = (DataField)image.Fields[1];
            await rg.WriteAllPartsAsync<ReadOnlyMemory<byte>>(bytesLeaf,
                rows.Select(g => (ReadOnlyMemory<byte>)ReferencePng.Encode(6, 8, Pixels(g))).ToArray(), Enumerable.Repeat(2, n).ToArray(), null, default);
            await rg.WriteAllPartsAsync<ReadOnlyMemory<char>>(pathLeaf,
                rows.Select(g => $"frame_{g:D6}.png".AsMemory()).ToArray(), Enumerable.Repeat(2, n).ToArray(), null, default);
            var leaf = (DataField)state.Item;
            await rg.WriteAllPartsAsync<float>(leaf, rows.SelectMany(State).ToArray(),
                Enumerable.Repeat(leaf.MaxDefinitionLevel, n * 3).ToArray(),
                Enumerable.Range(0, n * 3).Select(i => i % 3 == 0 ? 0 : 1).ToArray(), default);
            await rg.WriteAsync<float>(timestamp, rows.Select(g => (float?)((g - from) / (float)Fps)).ToArray());
            await rg.WriteAsync<long>(frameIndex, rows.Select(g => (long?)(g - from)).ToArray());
            await rg.WriteAsync<long>(episodeIndex, rows.Select(_ => (long?)ep).ToArray());
            await rg.WriteAsync<long>(index, rows.Select(g => (long?)g).ToArray());
            await rg.WriteAsync<float>(reward, rows.Select(g => (float?)(g * 0.5f)).ToArray());
            await rg.WriteAsync<long>(taskIndex, rows.Select(_ => (long?)(ep % 2)).ToArray());
        }
    }

    private static async Task WriteTasks(string path, string[] tasks)
    {
        var taskIndex = new DataField<long?>("task_index");
        var task = new DataField<string>("task", true);
        var schema = new ParquetSchema(taskIndex, task);
        await using var fs = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, fs);
        writer.CustomMetadata = new Dictionary<string, string>
        {
            ["pandas"] = """{"index_columns": ["task"], "columns": [{"name": "task_index", "field_name": "task_index", "pandas_type": "int64"}, {"name": "task", "field_name": "task", "pandas_type": "unicode"}]}""",
        };
        using var rg = writer.CreateRowGroup();
        // Rows in reverse order: the reader must go by task_index, not by row position.
        await rg.WriteAsync<long>(taskIndex, new long?[] { 1, 0 });
        await rg.WriteAllPartsAsync<ReadOnlyMemory<char>>(task, new[] { tasks[1].AsMemory(), tasks[0].AsMemory() }, new[] { 1, 1 }, null, default);
    }

    private static async Task WriteEpisodes(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        long[] from = [0, 4, 10];
        var fields = new List<Field>
        {
            new DataField<long?>("episode_index"),
            new ListField("tasks", new DataField<string>("element", true)),
            new DataField<long?>("length"),
            new DataField<long?>("data/chunk_index"),
            new DataField<long?>("data/file_index"),
            new DataField<long?>("dataset_from_index"),
            new DataField<long?>("dataset_to_index"),
            new DataField<long?>("meta/episodes/chunk_index"),
            new DataField<long?>("meta/episodes/file_index"),
            new ListField("stats/observation.state/min", new DataField<double?>("element")),
            new ListField("stats/observation.state/count", new DataField<long?>("element")),
            new ListField("stats/observation.image/mean", new ListField("element", new ListField("element", new DataField<double?>("element")))),
        };
        var schema = new ParquetSchema(fields);
        await using var fs = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, fs);
        using var rg = writer.CreateRowGroup();
        var leaves = schema.GetDataFields();
        await rg.WriteAsync<long>(leaves[0], new long?[] { 0, 1, 2 });
        await rg.WriteAllPartsAsync<ReadOnlyMemory<char>>(leaves[1],
            new[] { "Grasp the block".AsMemory(), "Lift the block".AsMemory(), "Grasp the block".AsMemory() },
            Enumerable.Repeat(leaves[1].MaxDefinitionLevel, 3).ToArray(), new[] { 0, 0, 0 }, default);
        await rg.WriteAsync<long>(leaves[2], Lengths.Select(l => (long?)l).ToArray());
        await rg.WriteAsync<long>(leaves[3], new long?[] { 0, 0, 0 });
        await rg.WriteAsync<long>(leaves[4], new long?[] { 0, 0, 1 });
        await rg.WriteAsync<long>(leaves[5], from.Select(f => (long?)f).ToArray());
        await rg.WriteAsync<long>(leaves[6], from.Zip(Lengths, (f, l) => (long?)(f + l)).ToArray());
        await rg.WriteAsync<long>(leaves[7], new long?[] { 0, 0, 0 });
        await rg.WriteAsync<long>(leaves[8], new long?[] { 0, 0, 0 });
        var mins = from.SelectMany(f => State(f).Select(v => (double)v)).ToArray();
        await rg.WriteAllPartsAsync<double>(leaves[9], mins, Enumerable.Repeat(leaves[9].MaxDefinitionLevel, 9).ToArray(),
            Enumerable.Range(0, 9).Select(i => i % 3 == 0 ? 0 : 1).ToArray(), default);
        await rg.WriteAllPartsAsync<long>(leaves[10], Lengths.Select(l => (long)l).ToArray(),
            Enumerable.Repeat(leaves[10].MaxDefinitionLevel, 3).ToArray(), new[] { 0, 0, 0 }, default);
        // (3,1,1) per episode: [[[m0]], [[m1]], [[m2]]]; a new outer element starts at repetition level 1.
        var means = Enumerable.Range(0, 3).SelectMany(_ => new[] { 0.5, 0.49, 0.48 }).ToArray();
        await rg.WriteAllPartsAsync<double>(leaves[11], means, Enumerable.Repeat(leaves[11].MaxDefinitionLevel, 9).ToArray(),
            Enumerable.Range(0, 9).Select(i => i % 3 == 0 ? 0 : 1).ToArray(), default);
    }
}
