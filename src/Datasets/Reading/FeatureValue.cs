using RobotActors.Datasets.Images;

namespace RobotActors.Datasets.Reading;

/// <summary>
/// One feature of a returned frame: numbers (row-major, exact for every LeRobot dtype) or uint8 images.
/// With delta_timestamps the first dimension of <see cref="Shape"/> is the number of time steps.
/// </summary>
public sealed class FeatureValue
{
    public FeatureValue(string dtype, int[] shape, double[] numbers)
    {
        DType = dtype;
        Shape = shape;
        Numbers = numbers;
    }

    public FeatureValue(string dtype, int[] shape, ImageFrame[] images)
    {
        DType = dtype;
        Shape = shape;
        Images = images;
    }

    public string DType { get; }
    public int[] Shape { get; }
    public double[]? Numbers { get; }
    public ImageFrame[]? Images { get; }

    public bool IsImage => Images is not null;

    public ImageFrame Image => Images is { Length: > 0 } i ? i[0] : throw new InvalidOperationException($"This {DType} value is not an image.");

    private double[] Nums => Numbers ?? throw new InvalidOperationException("This value holds images; use Images or ToChwFloats.");

    public float[] ToFloats() => Array.ConvertAll(Nums, v => (float)v);
    public long[] ToLongs() => Array.ConvertAll(Nums, v => (long)v);
    public bool[] ToBools() => Array.ConvertAll(Nums, v => v != 0);
    public double Scalar => Nums[0];

    /// <summary>Images as float CHW in [0, 1] (stacked over time steps when there are several).</summary>
    public float[] ToChwFloats()
    {
        var imgs = Images ?? throw new InvalidOperationException("This value is not an image.");
        int each = imgs[0].Pixels.Length;
        var result = new float[each * imgs.Length];
        for (int t = 0; t < imgs.Length; t++)
            imgs[t].ToChwFloats(result.AsSpan(t * each, each));
        return result;
    }
}
