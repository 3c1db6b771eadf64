using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;
using RobotActors.Datasets.Format;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Parquet;

/// <summary>
/// data/chunk-XXX/file-XXX.parquet: one row per frame, one column per non-video feature, in info.json order.
/// Column types follow what LeRobot's loader (HF datasets) expects: shape (1,) → plain value, (n,) → list,
/// 2-D and up → nested lists, image → struct {bytes: binary, path: string} holding PNG bytes.
/// </summary>
public static class DataFile
{
    public static ParquetSchema SchemaFor(DatasetInfo info)
        => new(info.ParquetFeatures.Select(FieldFor).ToArray());

    public static Field FieldFor(FeatureSpec f)
    {
        if (f.IsImage)
            return new StructField(f.Key, new DataField<byte[]>("bytes", true), new DataField<string>("path", true));
        if (f.DType == DTypes.String)
            return new DataField<string>(f.Key, true);
        return ColumnWriter.FieldFor(f.Key, DTypes.ClrType(f.DType), ListDepth(f));
    }

    internal static int ListDepth(FeatureSpec f) => f.Shape is [1] ? 0 : f.Shape.Length;

    /// <summary>HF datasets' feature description, stored under the "huggingface" key as `datasets` does.</summary>
    public static string HuggingFaceMetadata(DatasetInfo info)
    {
        var features = new JsonObject();
        foreach (var f in info.ParquetFeatures)
        {
            if (f.IsImage)
            {
                features[f.Key] = new JsonObject { ["_type"] = "Image" };
                continue;
            }
            JsonNode node = new JsonObject { ["dtype"] = f.DType, ["_type"] = "Value" };
            if (f.Shape is not [1])
            {
                for (int d = f.Shape.Length - 1; d >= 0; d--)
                    node = new JsonObject { ["feature"] = node, ["length"] = f.Shape[d], ["_type"] = "Sequence" };
            }
            features[f.Key] = node;
        }
        return new JsonObject { ["info"] = new JsonObject { ["features"] = features } }.ToJsonString();
    }

    /// <summary>
    /// Writes <paramref name="block"/> as a new row group of <paramref name="path"/> (creating the file if needed),
    /// through a temporary copy renamed into place, so a crash leaves the previous file untouched.
    /// </summary>
    public static Task AppendAsync(string path, DatasetInfo info, FrameBlock block)
        => AtomicFile.WriteAsync(path, fs => WriteRowGroupAsync(fs, info, block, append: File.Exists(path)),
            startFrom: File.Exists(path) ? path : null);

    /// <summary>Replaces <paramref name="path"/> with exactly these rows (one row group per block).</summary>
    public static Task RewriteAsync(string path, DatasetInfo info, IReadOnlyList<FrameBlock> blocks)
        => AtomicFile.WriteAsync(path, async fs =>
        {
            bool append = false;
            foreach (var b in blocks)
            {
                fs.Position = 0;
                await WriteRowGroupAsync(fs, info, b, append);
                append = true;
            }
        });

    private static async Task WriteRowGroupAsync(Stream stream, DatasetInfo info, FrameBlock block, bool append)
    {
        var schema = SchemaFor(info);
        // Snappy, as LeRobot's pyarrow writer uses.
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, append);
        writer.CustomMetadata = new Dictionary<string, string> { ["huggingface"] = HuggingFaceMetadata(info) };
        using var rg = writer.CreateRowGroup();
        var fields = schema.Fields;
        int i = 0;
        foreach (var f in info.ParquetFeatures)
        {
            var field = fields[i++];
            if (f.IsImage)
            {
                var sf = (StructField)field;
                var pngs = block.Images.TryGetValue(f.Key, out var p) ? p : throw Missing(f);
                await ColumnWriter.WriteBinaryAsync(rg, (DataField)sf.Fields[0], pngs);
                // LeRobot stores the frame's file name beside the bytes; the bytes are what decoders use.
                var names = Enumerable.Range(0, block.RowCount).Select(r => $"frame-{(long)block.Numeric["frame_index"][r]:D6}.png").ToArray();
                await ColumnWriter.WriteStringsAsync(rg, (DataField)sf.Fields[1], names);
                continue;
            }
            var values = block.Numeric.TryGetValue(f.Key, out var v) ? v : throw Missing(f);
            int[] dims = ListDepth(f) == 0 ? [] : f.Shape;
            await ColumnWriter.WriteNumericAsync(rg, field, DTypes.ClrType(f.DType), values, dims);
        }
    }

    private static DatasetFormatException Missing(FeatureSpec f)
        => new($"No values for feature '{f.Key}' in the frames to write.");

    public static async Task<FrameBlock> ReadAsync(string path, DatasetInfo info)
    {
        var columns = await ParquetTable.ReadAsync(path);
        var block = new FrameBlock { RowCount = columns.Count == 0 ? 0 : columns.Values.First().RowCount };
        foreach (var f in info.ParquetFeatures)
        {
            if (f.DType == DTypes.String)
                continue;
            if (f.IsImage)
            {
                var bytes = columns.GetValueOrDefault(f.Key + "/bytes")
                    ?? throw new DatasetFormatException($"{path}: image feature '{f.Key}' has no '{f.Key}.bytes' column; info.json and the data disagree.");
                var pngs = new byte[bytes.RowCount][];
                for (int r = 0; r < pngs.Length; r++)
                    pngs[r] = bytes.RowBytes(r) ?? throw new DatasetFormatException($"{path}: image '{f.Key}' row {r} has no bytes (images stored only by path are not supported).");
                block.Images[f.Key] = pngs;
                continue;
            }
            var col = columns.GetValueOrDefault(f.Key)
                ?? throw new DatasetFormatException($"{path}: feature '{f.Key}' from meta/info.json has no column in the file (columns: {string.Join(", ", columns.Keys)}).");
            block.Numeric[f.Key] = col.ToDoubles(f.ElementCount, path);
        }
        return block;
    }
}
