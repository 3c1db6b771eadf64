namespace RobotActors.Policies.SafeTensors;

/// <summary>One tensor of a safetensors file: its dtype string, shape and raw little-endian bytes.</summary>
public sealed record SafeTensor(string DType, long[] Shape, byte[] Data)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Checks that the byte count matches dtype and shape; the writer and reader both rely on it.</summary>
    public void Validate(string name)
    {
        if (!SafeTensorDType.IsKnown(DType))
            throw new SafeTensorsFormatException($"tensor '{name}': unknown dtype '{DType}'; expected one of {string.Join(", ", SafeTensorDType.Known)}");
        if (Shape.Any(d => d < 0))
            throw new SafeTensorsFormatException($"tensor '{name}': negative dimension in shape [{string.Join(", ", Shape)}]");
        var expected = ElementCount * SafeTensorDType.ElementSize(DType);
        if (expected != Data.LongLength)
            throw new SafeTensorsFormatException($"tensor '{name}': {DType} with shape [{string.Join(", ", Shape)}] needs {expected} bytes but has {Data.LongLength}");
    }

    public static SafeTensor FromFloats(float[] values, params long[] shape)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors is little-endian; big-endian hosts are not supported");
        return new SafeTensor("F32", shape, bytes);
    }

    public float[] ToFloats()
    {
        if (DType != "F32") throw new SafeTensorsFormatException($"expected F32 data but the tensor is {DType}");
        var values = new float[Data.Length / 4];
        Buffer.BlockCopy(Data, 0, values, 0, Data.Length);
        return values;
    }
}
