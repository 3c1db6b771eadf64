using Parquet;
using Parquet.Schema;

namespace RobotActors.Datasets.Parquet;

/// <summary>
/// Reads every top-level column of a Parquet file into <see cref="LeafRows"/>, keyed by column name.
/// Struct columns (LeRobot's image {bytes, path}) are keyed "name/field". Works on files written by
/// pyarrow (optional fields, any list element name) as well as ours.
/// </summary>
internal static class ParquetTable
{
    public static Task<Dictionary<string, LeafRows>> ReadAsync(string path, Func<string, bool>? wanted = null, IReadOnlySet<int>? rowGroups = null) =>
        Guard(path, () => ReadUncheckedAsync(path, wanted, rowGroups));

    /// <summary>
    /// Parquet.Net reports a damaged file from wherever it notices (the footer, a page header, a truncated
    /// column chunk) without naming the file; every read goes through here so the message does.
    /// </summary>
    private static async Task<T> Guard<T>(string path, Func<Task<T>> read)
    {
        if (!File.Exists(path))
            throw new DatasetFormatException($"{path} is missing.");
        try
        {
            return await read();
        }
        catch (Exception e) when (e is not DatasetFormatException and not OutOfMemoryException)
        {
            throw new DatasetFormatException($"{path} is not a readable Parquet file: {e.Message}", e);
        }
    }

    private static async Task<Dictionary<string, LeafRows>> ReadUncheckedAsync(string path, Func<string, bool>? wanted, IReadOnlySet<int>? rowGroups)
    {
        await using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        await using var reader = await ParquetReader.CreateAsync(fs);
        var leaves = new List<(string Name, DataField Field)>();
        foreach (var top in reader.Schema.Fields)
            CollectLeaves(top, top.Name, leaves);
        leaves = leaves.Where(l => wanted is null || wanted(l.Name)).ToList();
        var parts = leaves.ToDictionary(l => l.Name, _ => new List<LeafRows>());
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            if (rowGroups is not null && !rowGroups.Contains(g))
                continue;
            using var rg = reader.OpenRowGroupReader(g);
            foreach (var (name, field) in leaves)
                parts[name].Add(await ReadLeafAsync(rg, field, name, path));
        }
        var result = new Dictionary<string, LeafRows>();
        foreach (var (name, list) in parts)
            result[name] = list.Count == 0 ? new LeafRows(name, Array.Empty<double>(), [0]) : LeafRows.Concat(list);
        return result;
    }

    /// <summary>The smallest and largest value of an integer column in each row group (reads that column only).</summary>
    public static Task<(long Min, long Max)[]> RowGroupRangesAsync(string path, string column) =>
        Guard(path, () => RowGroupRangesUncheckedAsync(path, column));

    private static async Task<(long Min, long Max)[]> RowGroupRangesUncheckedAsync(string path, string column)
    {
        await using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using var reader = await ParquetReader.CreateAsync(fs);
        var field = reader.Schema.GetDataFields().FirstOrDefault(f => f.Path.ToList() is [var only] && only == column)
            ?? throw new DatasetFormatException($"{path} has no '{column}' column.");
        var ranges = new (long, long)[reader.RowGroupCount];
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rg = reader.OpenRowGroupReader(g);
            var rows = await ReadLeafAsync(rg, field, column, path);
            var values = rows.ToDoubles(1, path);
            ranges[g] = values.Length == 0 ? (long.MaxValue, long.MinValue) : ((long)values.Min(), (long)values.Max());
        }
        return ranges;
    }

    public static Task<long> CountRowsAsync(string path) => Guard(path, () => CountRowsUncheckedAsync(path));

    private static async Task<long> CountRowsUncheckedAsync(string path)
    {
        await using var fs = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(fs);
        long n = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rg = reader.OpenRowGroupReader(g);
            n += rg.RowCount;
        }
        return n;
    }

    private static void CollectLeaves(Field field, string name, List<(string, DataField)> leaves)
    {
        switch (field)
        {
            case DataField d:
                leaves.Add((name, d));
                break;
            case ListField l:
                CollectLeaves(l.Item, name, leaves);
                break;
            case StructField s:
                foreach (var f in s.Fields)
                    CollectLeaves(f, name + "/" + f.Name, leaves);
                break;
            default:
                // Maps and other shapes do not occur in LeRobot datasets; skip rather than fail the whole file.
                break;
        }
    }

    private static async Task<LeafRows> ReadLeafAsync(ParquetRowGroupReader rg, DataField field, string name, string path)
    {
        long levelCount = rg.GetMetadata(field)?.MetaData?.NumValues ?? rg.RowCount;
        var defs = new int[levelCount];
        var reps = new int[levelCount];
        Array values = field.ClrType switch
        {
            var t when t == typeof(float) => await Raw<float>(rg, field, levelCount, defs, reps),
            var t when t == typeof(double) => await Raw<double>(rg, field, levelCount, defs, reps),
            var t when t == typeof(long) => await Raw<long>(rg, field, levelCount, defs, reps),
            var t when t == typeof(int) => await Raw<int>(rg, field, levelCount, defs, reps),
            var t when t == typeof(short) => await Raw<short>(rg, field, levelCount, defs, reps),
            var t when t == typeof(sbyte) => await Raw<sbyte>(rg, field, levelCount, defs, reps),
            var t when t == typeof(byte) => await Raw<byte>(rg, field, levelCount, defs, reps),
            var t when t == typeof(bool) => await Raw<bool>(rg, field, levelCount, defs, reps),
            var t when t == typeof(ReadOnlyMemory<char>) => (await Raw<ReadOnlyMemory<char>>(rg, field, levelCount, defs, reps)).Select(m => m.ToString()).ToArray(),
            var t when t == typeof(ReadOnlyMemory<byte>) => (await Raw<ReadOnlyMemory<byte>>(rg, field, levelCount, defs, reps)).Select(m => m.ToArray()).ToArray(),
            var t => throw new DatasetFormatException($"{path}: column '{name}' has Parquet type {t.Name}, which a LeRobot dataset does not use."),
        };
        int maxDef = field.MaxDefinitionLevel;
        var rowStart = new List<int>((int)rg.RowCount + 1);
        int valueIndex = 0;
        for (long i = 0; i < levelCount; i++)
        {
            if (field.MaxRepetitionLevel == 0 || reps[i] == 0)
                rowStart.Add(valueIndex);
            if (maxDef == 0 || defs[i] == maxDef)
                valueIndex++;
        }
        rowStart.Add(valueIndex);
        if (valueIndex != values.Length)
            throw new DatasetFormatException($"{path}: column '{name}' has {values.Length} values but its levels define {valueIndex}.");
        // Null entries (pyarrow writes optional fields) leave their row shorter; the feature-shape check
        // downstream names the row.
        return new LeafRows(name, values, rowStart.ToArray());
    }

    private static async Task<T[]> Raw<T>(ParquetRowGroupReader rg, DataField field, long levelCount, int[] defs, int[] reps)
        where T : struct
    {
        var buffer = new T[levelCount];
        await rg.ReadRawAsync<T>(field, buffer, defs, reps);
        int defined = field.MaxDefinitionLevel == 0 ? (int)levelCount : defs.Count(d => d == field.MaxDefinitionLevel);
        return defined == buffer.Length ? buffer : buffer[..defined];
    }
}
