using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;
using RobotActors.Datasets.Parquet;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Format;

/// <summary>
/// meta/tasks.parquet: LeRobot writes a pandas DataFrame indexed by the task string with one column,
/// task_index. The "pandas" schema metadata is what makes pandas restore "task" as the index, so we write it.
/// </summary>
public static class TasksTable
{
    public static async Task<List<string>> LoadAsync(string root)
    {
        string path = Path.Combine(root, DatasetPaths.TasksPath);
        if (!File.Exists(path))
            return [];
        var cols = await ParquetTable.ReadAsync(path);
        var task = cols.GetValueOrDefault("task") ?? cols.GetValueOrDefault("__index_level_0__")
            ?? throw new DatasetFormatException($"{path} has no 'task' column.");
        var index = cols.GetValueOrDefault("task_index") ?? throw new DatasetFormatException($"{path} has no 'task_index' column.");
        var tasks = new string[task.RowCount];
        for (int r = 0; r < task.RowCount; r++)
        {
            long i = (long)index.RowDoubles(r)[0];
            if (i < 0 || i >= tasks.Length)
                throw new DatasetFormatException($"{path}: task_index {i} is out of range 0..{tasks.Length - 1}.");
            tasks[i] = task.RowStrings(r)[0];
        }
        return tasks.ToList();
    }

    public static Task SaveAsync(string root, IReadOnlyList<string> tasks)
    {
        var taskIndex = new DataField<long>("task_index");
        var task = new DataField<string>("task", true);
        var schema = new ParquetSchema(taskIndex, task);
        return AtomicFile.WriteAsync(Path.Combine(root, DatasetPaths.TasksPath), async fs =>
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, fs);
            writer.CustomMetadata = new Dictionary<string, string> { ["pandas"] = PandasMetadata() };
            using var rg = writer.CreateRowGroup();
            await rg.WriteAsync<long>(taskIndex, Enumerable.Range(0, tasks.Count).Select(i => (long)i).ToArray());
            await ColumnWriter.WriteStringsAsync(rg, task, tasks);
        });
    }

    private static string PandasMetadata() => new JsonObject
    {
        ["index_columns"] = new JsonArray("task"),
        ["column_indexes"] = new JsonArray(new JsonObject
        {
            ["name"] = null,
            ["field_name"] = null,
            ["pandas_type"] = "unicode",
            ["numpy_type"] = "object",
            ["metadata"] = new JsonObject { ["encoding"] = "UTF-8" },
        }),
        ["columns"] = new JsonArray(
            new JsonObject { ["name"] = "task_index", ["field_name"] = "task_index", ["pandas_type"] = "int64", ["numpy_type"] = "int64", ["metadata"] = null },
            new JsonObject { ["name"] = "task", ["field_name"] = "task", ["pandas_type"] = "unicode", ["numpy_type"] = "object", ["metadata"] = null }),
        ["creator"] = new JsonObject { ["library"] = "pyarrow", ["version"] = "17.0.0" },
        ["pandas_version"] = "2.2.2",
    }.ToJsonString();
}
