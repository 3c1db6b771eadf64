namespace RobotActors.Policies.SafeTensors;

/// <summary>The dtype strings of the safetensors format and their element sizes.</summary>
public static class SafeTensorDType
{
    private static readonly Dictionary<string, int> Sizes = new()
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    public static IReadOnlyCollection<string> Known => Sizes.Keys;

    public static bool IsKnown(string dtype) => Sizes.ContainsKey(dtype);

    public static int ElementSize(string dtype) =>
        Sizes.TryGetValue(dtype, out var size)
            ? size
            : throw new SafeTensorsFormatException($"unknown dtype '{dtype}'; expected one of {string.Join(", ", Sizes.Keys)}");
}
