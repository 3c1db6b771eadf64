using Parquet;
using Parquet.Schema;

namespace RobotActors.Datasets.Parquet;

/// <summary>
/// Writes one column whose rows are fixed-shape arrays, spelling out Parquet definition and repetition
/// levels. Shape [] is a plain value; [n] a list; [a, b] a list of lists (HF Array2D), and so on.
/// </summary>
internal static class ColumnWriter
{
    /// <summary>The Parquet field for a column of <paramref name="clrType"/> nested by <paramref name="dims"/> list levels.</summary>
    public static Field FieldFor(string name, Type clrType, int listDepth)
    {
        if (listDepth == 0)
            return new DataField(name, clrType, isNullable: false);
        Field inner = new DataField("element", clrType, isNullable: false);
        for (int d = 1; d < listDepth; d++)
            inner = new ListField("element", inner);
        return new ListField(name, inner);
    }

    public static DataField Leaf(Field field) => field switch
    {
        DataField d => d,
        ListField l => Leaf(l.Item),
        _ => throw new InvalidOperationException($"Field {field.Name} is not a column."),
    };

    /// <summary>Writes <paramref name="values"/> (rows × prod(dims), row-major) as nested lists of <paramref name="dims"/>.</summary>
    public static async Task WriteAsync<T>(ParquetRowGroupWriter rg, Field field, T[] values, int[] dims) where T : struct
    {
        var leaf = Leaf(field);
        if (dims.Length == 0)
        {
            await rg.WriteAsync<T>(leaf, values);
            return;
        }
        int width = dims.Aggregate(1, (a, b) => a * b);
        var reps = new int[values.Length];
        // strides[k] = number of elements in one item at nesting level k+1
        var strides = new int[dims.Length];
        int s = 1;
        for (int k = dims.Length - 1; k >= 0; k--)
        {
            strides[k] = s;
            s *= dims[k];
        }
        for (int i = 0; i < values.Length; i++)
        {
            int j = i % width;
            int level = 0;
            if (j != 0)
            {
                level = dims.Length;
                for (int k = 0; k < dims.Length; k++)
                {
                    if (j % strides[k] == 0)
                    {
                        level = k + 1;
                        break;
                    }
                }
            }
            reps[i] = level;
        }
        var defs = new int[values.Length];
        Array.Fill(defs, leaf.MaxDefinitionLevel);
        await rg.WriteAllPartsAsync<T>(leaf, values, defs, reps, default);
    }

    /// <summary>A list of strings per row (episodes' "tasks").</summary>
    public static async Task WriteStringListsAsync(ParquetRowGroupWriter rg, Field field, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var leaf = Leaf(field);
        var values = new List<ReadOnlyMemory<char>>();
        var reps = new List<int>();
        var defs = new List<int>();
        foreach (var row in rows)
        {
            if (row.Count == 0)
            {
                // An empty list: defined down to the list level only, no element value.
                defs.Add(leaf.MaxDefinitionLevel - 1);
                reps.Add(0);
                continue;
            }
            for (int i = 0; i < row.Count; i++)
            {
                values.Add(row[i].AsMemory());
                reps.Add(i == 0 ? 0 : 1);
                defs.Add(leaf.MaxDefinitionLevel);
            }
        }
        await rg.WriteAllPartsAsync<ReadOnlyMemory<char>>(leaf, values.ToArray(), defs.ToArray(), reps.ToArray(), default);
    }

    public static async Task WriteStringsAsync(ParquetRowGroupWriter rg, DataField field, IReadOnlyList<string> values)
    {
        var mem = values.Select(v => v.AsMemory()).ToArray();
        if (field.MaxDefinitionLevel == 0)
        {
            await rg.WriteAsync<ReadOnlyMemory<char>>(field, mem);
            return;
        }
        var defs = new int[mem.Length];
        Array.Fill(defs, field.MaxDefinitionLevel);
        await rg.WriteAllPartsAsync<ReadOnlyMemory<char>>(field, mem, defs, null, default);
    }

    public static async Task WriteBinaryAsync(ParquetRowGroupWriter rg, DataField field, IReadOnlyList<byte[]> values)
    {
        var mem = values.Select(v => (ReadOnlyMemory<byte>)v).ToArray();
        var defs = new int[mem.Length];
        Array.Fill(defs, field.MaxDefinitionLevel);
        await rg.WriteAllPartsAsync<ReadOnlyMemory<byte>>(field, mem, defs, null, default);
    }

    /// <summary>Converts row-major doubles to the column's CLR type and writes them.</summary>
    public static Task WriteNumericAsync(ParquetRowGroupWriter rg, Field field, Type clrType, double[] values, int[] dims)
    {
        if (clrType == typeof(float)) return WriteAsync(rg, field, Array.ConvertAll(values, v => (float)v), dims);
        if (clrType == typeof(double)) return WriteAsync(rg, field, values, dims);
        if (clrType == typeof(long)) return WriteAsync(rg, field, Array.ConvertAll(values, v => (long)v), dims);
        if (clrType == typeof(int)) return WriteAsync(rg, field, Array.ConvertAll(values, v => (int)v), dims);
        if (clrType == typeof(short)) return WriteAsync(rg, field, Array.ConvertAll(values, v => (short)v), dims);
        if (clrType == typeof(sbyte)) return WriteAsync(rg, field, Array.ConvertAll(values, v => (sbyte)v), dims);
        if (clrType == typeof(byte)) return WriteAsync(rg, field, Array.ConvertAll(values, v => (byte)v), dims);
        if (clrType == typeof(bool)) return WriteAsync(rg, field, Array.ConvertAll(values, v => v != 0), dims);
        throw new DatasetFormatException($"Cannot write column '{field.Name}' of type {clrType.Name}.");
    }
}
