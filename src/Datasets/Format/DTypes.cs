namespace RobotActors.Datasets.Format;

/// <summary>The dtype strings of info.json features and the CLR element types they map to.</summary>
public static class DTypes
{
    public const string Image = "image";
    public const string Video = "video";
    public const string String = "string";
    public const string Float32 = "float32";
    public const string Float64 = "float64";
    public const string Int64 = "int64";
    public const string Bool = "bool";

    public static bool IsVisual(string dtype) => dtype is Image or Video;

    public static bool IsNumeric(string dtype) => TryClrType(dtype, out _);

    public static bool TryClrType(string dtype, out Type type)
    {
        Type? t = dtype switch
        {
            "float32" => typeof(float),
            "float64" => typeof(double),
            "int64" => typeof(long),
            "int32" => typeof(int),
            "int16" => typeof(short),
            "int8" => typeof(sbyte),
            "uint8" => typeof(byte),
            "bool" => typeof(bool),
            _ => null,
        };
        type = t ?? typeof(void);
        return t is not null;
    }

    public static Type ClrType(string dtype)
        => TryClrType(dtype, out var t)
            ? t
            : throw new DatasetFormatException(
                $"dtype '{dtype}' is not a numeric dtype; supported: float32, float64, int64, int32, int16, int8, uint8, bool, image, video.");
}
