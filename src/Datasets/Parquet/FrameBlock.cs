namespace RobotActors.Datasets.Parquet;

/// <summary>
/// Rows of a data/ Parquet file held column by column: numeric features as row-major doubles (exact for
/// every LeRobot dtype: float32, int64 below 2^53, bool), image features as encoded PNG bytes.
/// </summary>
public sealed class FrameBlock
{
    public int RowCount { get; set; }
    public Dictionary<string, double[]> Numeric { get; } = [];
    public Dictionary<string, byte[][]> Images { get; } = [];

    public long IndexAt(int row) => (long)Numeric["index"][row];

    /// <summary>Rows [start, start + count) as a new block (for truncating, splitting and merging).</summary>
    public FrameBlock Slice(int start, int count, IReadOnlyDictionary<string, int> widths)
    {
        var b = new FrameBlock { RowCount = count };
        foreach (var (k, v) in Numeric)
            b.Numeric[k] = v.AsSpan(start * widths[k], count * widths[k]).ToArray();
        foreach (var (k, v) in Images)
            b.Images[k] = v.AsSpan(start, count).ToArray();
        return b;
    }

    public static FrameBlock Concat(IReadOnlyList<FrameBlock> blocks)
    {
        var b = new FrameBlock { RowCount = blocks.Sum(x => x.RowCount) };
        if (blocks.Count == 0)
            return b;
        foreach (var k in blocks[0].Numeric.Keys)
            b.Numeric[k] = blocks.SelectMany(x => x.Numeric[k]).ToArray();
        foreach (var k in blocks[0].Images.Keys)
            b.Images[k] = blocks.SelectMany(x => x.Images[k]).ToArray();
        return b;
    }
}
