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
    public static async Task<Dictionary<string, LeafRows>> ReadAsync(string path, Func<string, bool>? wanted = null)
    {
        if (!File.Exists(path))
            throw new DatasetFormatException($"{path} is missing.");
        await using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(fs);
        }
        catch (Exception e) when (e is not DatasetFormatException)
        {
            throw new DatasetFormatException($"{path} is not a readable Parquet file: {e.Message}", e);
        }
        await using var _ = reader;
        var leaves = new List<(string Name, DataField Field)>();
        foreach (var top in reader.Schema.Fields)
            CollectLeaves(top, top.Name, leaves);
        leaves = leaves.Where(l => wanted is null || wanted(l.Name)).ToList();
        var parts = leaves.ToDictionary(l => l.Name, _ => new List<LeafRows>());
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rg = reader.OpenRowGroupReader(g);
            foreach (var (name, field) in leaves)
                parts[name].Add(await ReadLeafAsync(rg, field, name, path));
        }
        var result = new Dictionary<string, LeafRows>();
        foreach (var (name, list) in parts)
            result[name] = list.Count == 0 ? new LeafRows(name, Array.Empty<double>(), [0]) : LeafRows.Concat(list);
        return result;
    }

    public static async Task<long> CountRowsAsync(string path)
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
