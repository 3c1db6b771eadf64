using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Tests;

/// <summary>The Parquet files we write carry the column types LeRobot's loader (HF datasets, pandas) expects.</summary>
public class ParquetSchemaTests
{
    private static async Task<(ParquetSchema Schema, IReadOnlyDictionary<string, string> Metadata)> SchemaOf(string path)
    {
        await using var fs = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(fs);
        return (reader.Schema, reader.CustomMetadata);
    }

    [Fact]
    public async Task Data_episodes_and_tasks_files_have_LeRobot_column_types()
    {
        using var dir = new TempDir();
        var recorder = DatasetRecorder.Create(dir.Path, SyntheticEpisodes.Fps, SyntheticEpisodes.Features());
        await SyntheticEpisodes.RecordAsync(recorder, 0, 3);

        var (data, meta) = await SchemaOf(Path.Combine(dir.Path, "data/chunk-000/file-000.parquet"));
        Assert.Equal(["observation.state", "action", "next.done", "observation.images.cam", "timestamp", "frame_index", "episode_index", "index", "task_index"],
            data.Fields.Select(f => f.Name));
        var state = Assert.IsType<ListField>(data.Fields.Single(f => f.Name == "observation.state"));
        Assert.Equal(typeof(float), Assert.IsType<DataField>(state.Item).ClrType);
        var image = Assert.IsType<StructField>(data.Fields.Single(f => f.Name == "observation.images.cam"));
        Assert.Equal(["bytes", "path"], image.Fields.Select(f => f.Name));
        Assert.Equal(typeof(bool), Assert.IsType<DataField>(data.Fields.Single(f => f.Name == "next.done")).ClrType);
        Assert.Equal(typeof(float), Assert.IsType<DataField>(data.Fields.Single(f => f.Name == "timestamp")).ClrType);
        Assert.Equal(typeof(long), Assert.IsType<DataField>(data.Fields.Single(f => f.Name == "index")).ClrType);
        var hf = JsonNode.Parse(meta["huggingface"])!["info"]!["features"]!;
        Assert.Equal("Image", hf["observation.images.cam"]!["_type"]!.GetValue<string>());
        Assert.Equal(3, hf["observation.state"]!["length"]!.GetValue<int>());
        Assert.Equal("float32", hf["observation.state"]!["feature"]!["dtype"]!.GetValue<string>());
        Assert.Equal("bool", hf["next.done"]!["dtype"]!.GetValue<string>());

        var (episodes, _) = await SchemaOf(Path.Combine(dir.Path, "meta/episodes/chunk-000/file-000.parquet"));
        var names = episodes.Fields.Select(f => f.Name).ToList();
        Assert.Equal(["episode_index", "tasks", "length", "data/chunk_index", "data/file_index", "dataset_from_index", "dataset_to_index",
            "meta/episodes/chunk_index", "meta/episodes/file_index"], names.Take(9));
        Assert.Contains("stats/observation.images.cam/mean", names);
        Assert.Contains("stats/action/q99", names);
        var tasks = Assert.IsType<ListField>(episodes.Fields.Single(f => f.Name == "tasks"));
        Assert.Equal(typeof(ReadOnlyMemory<char>), Assert.IsType<DataField>(tasks.Item).ClrType);
        // image stats are (3,1,1): three list levels
        var imageMean = Assert.IsType<ListField>(episodes.Fields.Single(f => f.Name == "stats/observation.images.cam/mean"));
        Assert.IsType<ListField>(Assert.IsType<ListField>(imageMean.Item).Item);

        var (tasksSchema, tasksMeta) = await SchemaOf(Path.Combine(dir.Path, "meta/tasks.parquet"));
        Assert.Equal(["task_index", "task"], tasksSchema.Fields.Select(f => f.Name));
        Assert.Equal("task", JsonNode.Parse(tasksMeta["pandas"])!["index_columns"]![0]!.GetValue<string>());
    }
}
