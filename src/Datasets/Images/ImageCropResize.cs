using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;

namespace RobotActors.Datasets.Images;

/// <summary>A region of an image: LeRobot's crop parameters (top, left, height, width) in pixels.</summary>
public readonly record struct CropBox(int Top, int Left, int Height, int Width)
{
    public bool FitsIn(int imageHeight, int imageWidth) =>
        Top >= 0 && Left >= 0 && Height > 0 && Width > 0 && Top + Height <= imageHeight && Left + Width <= imageWidth;

    public override string ToString() => $"[{Top}, {Left}, {Height}, {Width}]";
}

/// <summary>
/// Crop and resize of uint8 height × width × channels images, done on the bytes: a crop is a row copy,
/// and the resize is separable bilinear with antialiasing when shrinking (the triangle filter widened
/// by the scale factor, as torchvision's resize with antialias=True and PIL do). LeRobot converts
/// every camera pixel to float before cropping, which made 2×640×480 cameras a CPU hot spot (#2173);
/// here only the output pixels cost anything beyond a copy.
/// </summary>
public static class ImageCropResize
{
    /// <summary>Crops then resizes; either may be null (no crop: the whole frame; no resize: the crop's size).</summary>
    public static ImageFrame Apply(ImageFrame image, CropBox? crop, (int Height, int Width)? size)
    {
        var box = crop ?? new CropBox(0, 0, image.Height, image.Width);
        if (!box.FitsIn(image.Height, image.Width))
            throw new ArgumentException($"crop {box} (top, left, height, width) lies outside the {image.Width}x{image.Height} image (height {image.Height}, width {image.Width}).");
        var (outH, outW) = size ?? (box.Height, box.Width);
        var output = new byte[outH * outW * image.Channels];
        Apply(image.Pixels, image.Height, image.Width, image.Channels, box, outH, outW, output);
        return new ImageFrame(outH, outW, image.Channels, output);
    }

    /// <summary>Crops <paramref name="box"/> out of an H×W×C image and resizes it into <paramref name="output"/> (outH×outW×C).</summary>
    public static void Apply(ReadOnlySpan<byte> pixels, int height, int width, int channels, CropBox box, int outH, int outW, Span<byte> output)
    {
        if (pixels.Length != height * width * channels)
            throw new ArgumentException($"a {height}x{width}x{channels} image needs {height * width * channels} bytes, got {pixels.Length}.");
        if (!box.FitsIn(height, width))
            throw new ArgumentException($"crop {box} lies outside the {width}x{height} image.");
        if (outH <= 0 || outW <= 0) throw new ArgumentException($"resize size {outH}x{outW} must be positive.");
        if (output.Length != outH * outW * channels)
            throw new ArgumentException($"the output needs {outH * outW * channels} bytes, got {output.Length}.");
        if (outH == box.Height && outW == box.Width)
        {
            var rowBytes = box.Width * channels;
            for (var y = 0; y < box.Height; y++)
                pixels.Slice(((box.Top + y) * width + box.Left) * channels, rowBytes).CopyTo(output.Slice(y * rowBytes, rowBytes));
            return;
        }
        // Vertical pass first, over whole rows of the crop: each output row is a weighted sum of a few input rows,
        // a long contiguous loop (vectorized, bytes widened to floats on the fly). Then the short horizontal pass.
        var rows = Weights(box.Height, outH);
        var columns = Weights(box.Width, outW);
        var rowLength = box.Width * channels;
        var temp = ArrayPool<float>.Shared.Rent(outH * rowLength);
        try
        {
            for (var y = 0; y < outH; y++)
            {
                var acc = temp.AsSpan(y * rowLength, rowLength);
                acc.Clear();
                var (start, weights) = rows[y];
                for (var k = 0; k < weights.Length; k++)
                    AddScaled(acc, pixels.Slice(((box.Top + start + k) * width + box.Left) * channels, rowLength), weights[k]);
            }
            for (var y = 0; y < outH; y++)
            {
                var src = temp.AsSpan(y * rowLength, rowLength);
                var dst = output.Slice(y * outW * channels, outW * channels);
                for (var x = 0; x < outW; x++)
                {
                    var (start, weights) = columns[x];
                    for (var c = 0; c < channels; c++)
                    {
                        float sum = 0;
                        for (var k = 0; k < weights.Length; k++) sum += weights[k] * src[(start + k) * channels + c];
                        dst[x * channels + c] = (byte)Math.Clamp(MathF.Round(sum), 0, 255);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(temp);
        }
    }

    /// <summary>acc += weight × row, row as bytes.</summary>
    private static void AddScaled(Span<float> acc, ReadOnlySpan<byte> row, float weight)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && row.Length >= Vector<byte>.Count)
        {
            var w = new Vector<float>(weight);
            var accVectors = MemoryMarshal.Cast<float, Vector<float>>(acc);
            var n = Vector<float>.Count;
            for (; i + Vector<byte>.Count <= row.Length; i += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(row.Slice(i)), out var lo16, out var hi16);
                Vector.Widen(lo16, out var a, out var b);
                Vector.Widen(hi16, out var c, out var d);
                var at = i / n;
                if ((at + 4) * n > acc.Length) break;
                accVectors[at] += Vector.ConvertToSingle(a) * w;
                accVectors[at + 1] += Vector.ConvertToSingle(b) * w;
                accVectors[at + 2] += Vector.ConvertToSingle(c) * w;
                accVectors[at + 3] += Vector.ConvertToSingle(d) * w;
            }
        }
        for (; i < row.Length; i++) acc[i] += weight * row[i];
    }

    /// <summary>For each output index: the first input index and the normalized weights of the inputs it blends.</summary>
    private static readonly ConcurrentDictionary<(int, int), (int Start, float[] Weights)[]> WeightCache = new();

    private static (int Start, float[] Weights)[] Weights(int inSize, int outSize) => WeightCache.GetOrAdd((inSize, outSize), k => ComputeWeights(k.Item1, k.Item2));

    private static (int Start, float[] Weights)[] ComputeWeights(int inSize, int outSize)
    {
        var scale = (double)inSize / outSize;
        var support = Math.Max(scale, 1.0); // shrinking widens the triangle filter: every input pixel counts
        var result = new (int, float[])[outSize];
        for (var o = 0; o < outSize; o++)
        {
            var center = (o + 0.5) * scale; // pixel centres, align_corners=False
            var from = Math.Max(0, (int)Math.Floor(center - support));
            var to = Math.Min(inSize, (int)Math.Ceiling(center + support));
            var w = new double[to - from];
            double total = 0;
            for (var i = from; i < to; i++)
            {
                var d = Math.Abs(i + 0.5 - center) / support;
                w[i - from] = Math.Max(0, 1 - d);
                total += w[i - from];
            }
            if (total <= 0)
            {
                var nearest = Math.Clamp((int)center, 0, inSize - 1);
                result[o] = (nearest, [1f]);
                continue;
            }
            result[o] = (from, w.Select(v => (float)(v / total)).ToArray());
        }
        return result;
    }
}
