using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.SafeTensors;

/// <summary>Conversions between TorchSharp tensors and safetensors entries, and whole state dicts.</summary>
public static class TorchSafeTensors
{
    private static readonly Dictionary<ScalarType, string> ToName = new()
    {
        [ScalarType.Bool] = "BOOL", [ScalarType.Byte] = "U8", [ScalarType.Int8] = "I8",
        [ScalarType.Int16] = "I16", [ScalarType.Float16] = "F16", [ScalarType.BFloat16] = "BF16",
        [ScalarType.Int32] = "I32", [ScalarType.Float32] = "F32", [ScalarType.Int64] = "I64",
        [ScalarType.Float64] = "F64",
    };

    public static SafeTensor FromTorch(Tensor tensor)
    {
        if (!ToName.TryGetValue(tensor.dtype, out var name))
            throw new SafeTensorsFormatException($"dtype {tensor.dtype} has no safetensors equivalent");
        using var cpu = tensor.detach().cpu().contiguous();
        return new SafeTensor(name, tensor.shape.ToArray(), cpu.bytes.ToArray());
    }

    public static Tensor ToTorch(SafeTensor tensor)
    {
        var dtype = ToName.FirstOrDefault(kv => kv.Value == tensor.DType);
        if (dtype.Value is null)
            throw new SafeTensorsFormatException($"dtype {tensor.DType} cannot be loaded into TorchSharp");
        var result = torch.empty(tensor.Shape, dtype.Key);
        if (tensor.Data.Length > 0) result.bytes = tensor.Data;
        return result;
    }

    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path, IDictionary<string, string>? metadata = null)
    {
        var file = new SafeTensorsFile();
        foreach (var (k, v) in tensors) file.Tensors[k] = FromTorch(v);
        if (metadata is not null) foreach (var (k, v) in metadata) file.Metadata[k] = v;
        file.Write(path);
    }

    public static Dictionary<string, Tensor> Load(string path) =>
        SafeTensorsFile.Read(path).Tensors.ToDictionary(kv => kv.Key, kv => ToTorch(kv.Value));
}
