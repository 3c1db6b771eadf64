namespace RobotActors.Datasets.Images;

/// <summary>
/// A camera frame as LeRobot datasets hold it: uint8, height × width × channels, row-major. Stays uint8
/// until a consumer asks for floats (<see cref="ToChwFloats"/>), so batches cost a quarter of the memory.
/// </summary>
public sealed class ImageFrame
{
    public ImageFrame(int height, int width, int channels, byte[] pixels)
    {
        if (pixels.Length != height * width * channels)
            throw new ArgumentException($"An image of {height}x{width}x{channels} needs {height * width * channels} bytes, got {pixels.Length}.");
        Height = height;
        Width = width;
        Channels = channels;
        Pixels = pixels;
    }

    public int Height { get; }
    public int Width { get; }
    public int Channels { get; }
    public byte[] Pixels { get; }

    /// <summary>Channel-first floats in [0, 1], what LeRobot's __getitem__ returns for visual features.</summary>
    public float[] ToChwFloats()
    {
        var result = new float[Pixels.Length];
        ToChwFloats(result);
        return result;
    }

    public void ToChwFloats(Span<float> destination)
    {
        int plane = Height * Width;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < Channels; c++)
                destination[c * plane + p] = Pixels[p * Channels + c] / 255f;
    }

    public bool SameAs(ImageFrame other)
        => Height == other.Height && Width == other.Width && Channels == other.Channels && Pixels.AsSpan().SequenceEqual(other.Pixels);
}
