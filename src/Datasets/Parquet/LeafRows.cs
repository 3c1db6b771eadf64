namespace RobotActors.Datasets.Parquet;

/// <summary>
/// One Parquet leaf column read back as rows: the defined values of every row, flattened through any
/// list nesting. LeRobot's vectors (list or fixed-size list), nested arrays and scalars all reduce to this.
/// </summary>
internal sealed class LeafRows
{
    public LeafRows(string column, Array values, int[] rowStart)
    {
        Column = column;
        Values = values;
        RowStart = rowStart;
    }

    public string Column { get; }

    /// <summary>Compacted values: float[], double[], long[], int[], short[], sbyte[], byte[], bool[], string[] or byte[][].</summary>
    public Array Values { get; }

    /// <summary>RowStart[r]..RowStart[r+1] are row r's values; length is RowCount + 1.</summary>
    public int[] RowStart { get; }

    public int RowCount => RowStart.Length - 1;

    public int CountOf(int row) => RowStart[row + 1] - RowStart[row];

    public bool IsNumeric => Values is not (string[] or byte[][]);

    /// <summary>All values as doubles, checking that every row holds exactly <paramref name="width"/> of them.</summary>
    public double[] ToDoubles(int width, string where)
    {
        for (int r = 0; r < RowCount; r++)
        {
            if (CountOf(r) != width)
                throw new DatasetFormatException(
                    $"{where}: column '{Column}' row {r} has {CountOf(r)} values but the feature's shape in meta/info.json has {width}.");
        }
        var result = new double[Values.Length];
        switch (Values)
        {
            case double[] d: Array.Copy(d, result, d.Length); break;
            case float[] f: for (int i = 0; i < f.Length; i++) result[i] = f[i]; break;
            case long[] l: for (int i = 0; i < l.Length; i++) result[i] = l[i]; break;
            case int[] n: for (int i = 0; i < n.Length; i++) result[i] = n[i]; break;
            case short[] s: for (int i = 0; i < s.Length; i++) result[i] = s[i]; break;
            case sbyte[] sb: for (int i = 0; i < sb.Length; i++) result[i] = sb[i]; break;
            case byte[] b: for (int i = 0; i < b.Length; i++) result[i] = b[i]; break;
            case bool[] bo: for (int i = 0; i < bo.Length; i++) result[i] = bo[i] ? 1 : 0; break;
            default: throw new DatasetFormatException($"{where}: column '{Column}' holds {Values.GetType().GetElementType()?.Name} values, not numbers.");
        }
        return result;
    }

    public double[] RowDoubles(int row)
    {
        int start = RowStart[row], n = CountOf(row);
        var result = new double[n];
        for (int i = 0; i < n; i++)
            result[i] = Convert.ToDouble(Values.GetValue(start + i), System.Globalization.CultureInfo.InvariantCulture);
        return result;
    }

    public string[] RowStrings(int row)
    {
        var s = Values as string[] ?? throw new DatasetFormatException($"Column '{Column}' does not hold strings.");
        return s[RowStart[row]..RowStart[row + 1]];
    }

    public byte[]? RowBytes(int row)
    {
        var b = Values as byte[][] ?? throw new DatasetFormatException($"Column '{Column}' does not hold binary values.");
        return CountOf(row) == 0 ? null : b[RowStart[row]];
    }

    public static LeafRows Concat(IReadOnlyList<LeafRows> parts)
    {
        if (parts.Count == 1)
            return parts[0];
        var elementType = parts[0].Values.GetType().GetElementType()!;
        var values = Array.CreateInstance(elementType, parts.Sum(p => p.Values.Length));
        var starts = new List<int>(parts.Sum(p => p.RowCount) + 1);
        int offset = 0;
        foreach (var p in parts)
        {
            Array.Copy(p.Values, 0, values, offset, p.Values.Length);
            for (int r = 0; r < p.RowCount; r++)
                starts.Add(offset + p.RowStart[r]);
            offset += p.Values.Length;
        }
        starts.Add(offset);
        return new LeafRows(parts[0].Column, values, starts.ToArray());
    }
}
