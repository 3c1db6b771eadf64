using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RobotActors.Policies.SafeTensors;

/// <summary>
/// Reader and writer for the safetensors format: an 8-byte little-endian header length, a JSON header
/// mapping names to {dtype, shape, data_offsets} (offsets relative to the data section) plus an optional
/// "__metadata__" string map, then the tensor bytes.
/// </summary>
public sealed class SafeTensorsFile
{
    public const string MetadataKey = "__metadata__";
    private const long MaxHeaderBytes = 100_000_000;

    public Dictionary<string, SafeTensor> Tensors { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    public static SafeTensorsFile Read(string path)
    {
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (SafeTensorsFormatException e)
        {
            throw new SafeTensorsFormatException($"{path}: {e.Message}");
        }
    }

    public static SafeTensorsFile Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
            throw new SafeTensorsFormatException($"file is {bytes.Length} bytes; a safetensors file starts with an 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8)
            throw new SafeTensorsFormatException($"header length {headerLength} does not fit in a file of {bytes.Length} bytes");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.Slice(8, (int)headerLength)) as JsonObject
                ?? throw new SafeTensorsFormatException("the header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"the header is not valid JSON: {e.Message}");
        }

        var data = bytes[(8 + (int)headerLength)..];
        var file = new SafeTensorsFile();
        var ranges = new List<(long Begin, long End, string Name)>();
        foreach (var (name, node) in header)
        {
            if (name == MetadataKey)
            {
                if (node is not JsonObject meta) throw new SafeTensorsFormatException("__metadata__ must be an object of strings");
                foreach (var (k, v) in meta)
                    file.Metadata[k] = v is JsonValue sv && sv.TryGetValue<string>(out var s)
                        ? s : throw new SafeTensorsFormatException($"__metadata__ value for '{k}' must be a string");
                continue;
            }
            if (node is not JsonObject entry) throw new SafeTensorsFormatException($"tensor '{name}': header entry must be an object");
            var dtype = entry["dtype"]?.GetValue<string>() ?? throw new SafeTensorsFormatException($"tensor '{name}': missing dtype");
            var shape = (entry["shape"] as JsonArray ?? throw new SafeTensorsFormatException($"tensor '{name}': missing shape"))
                .Select(d => d!.GetValue<long>()).ToArray();
            var offsets = entry["data_offsets"] as JsonArray;
            if (offsets is null || offsets.Count != 2) throw new SafeTensorsFormatException($"tensor '{name}': data_offsets must be [begin, end]");
            long begin = offsets[0]!.GetValue<long>(), end = offsets[1]!.GetValue<long>();
            if (begin < 0 || end < begin || end > data.Length)
                throw new SafeTensorsFormatException($"tensor '{name}': data_offsets [{begin}, {end}] fall outside the {data.Length}-byte data section");
            var tensor = new SafeTensor(dtype, shape, data[(int)begin..(int)end].ToArray());
            tensor.Validate(name);
            file.Tensors[name] = tensor;
            ranges.Add((begin, end, name));
        }

        // The format requires the buffers to tile the data section exactly, without holes or overlaps.
        long cursor = 0;
        foreach (var r in ranges.OrderBy(r => r.Begin).ThenBy(r => r.End))
        {
            if (r.Begin != cursor)
                throw new SafeTensorsFormatException($"tensor '{r.Name}' starts at {r.Begin} but the previous tensor ended at {cursor} (overlap or hole)");
            cursor = r.End;
        }
        if (cursor != data.Length)
            throw new SafeTensorsFormatException($"the tensors cover {cursor} bytes but the data section has {data.Length}");
        return file;
    }

    public byte[] ToBytes()
    {
        // Larger alignments first, then by name, as the reference writer orders them; the header is
        // space-padded so that the data section starts 8-byte aligned.
        var ordered = Tensors
            .OrderByDescending(kv => SafeTensorDType.ElementSize(kv.Value.DType))
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .ToList();
        var header = new JsonObject();
        if (Metadata.Count > 0)
        {
            var meta = new JsonObject();
            foreach (var (k, v) in Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) meta[k] = v;
            header[MetadataKey] = meta;
        }
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            tensor.Validate(name);
            var shape = new JsonArray();
            foreach (var d in tensor.Shape) shape.Add(d);
            header[name] = new JsonObject
            {
                ["dtype"] = tensor.DType,
                ["shape"] = shape,
                ["data_offsets"] = new JsonArray(offset, offset + tensor.Data.LongLength),
            };
            offset += tensor.Data.LongLength;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (headerBytes.Length + 7) / 8 * 8;
        var result = new byte[8 + padded + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        headerBytes.CopyTo(result, 8);
        result.AsSpan(8 + headerBytes.Length, padded - headerBytes.Length).Fill((byte)' ');
        var position = 8 + padded;
        foreach (var (_, tensor) in ordered)
        {
            tensor.Data.CopyTo(result, position);
            position += tensor.Data.Length;
        }
        return result;
    }

    /// <summary>Writes to a temporary name beside the target, then renames, so a crash never leaves half a file.</summary>
    public void Write(string path)
    {
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllBytes(temp, ToBytes());
        File.Move(temp, path, overwrite: true);
    }
}
