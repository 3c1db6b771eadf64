using RobotActors.Datasets.Reading;

namespace RobotActors.Datasets.Training;

/// <summary>
/// A batch of dataset items. Values are stacked on demand, in the layout LeRobot's collate gives:
/// numbers [B, (T,) ...], images uint8 [B, (T,) H, W, C] or float CHW in [0, 1] when asked.
/// </summary>
public sealed class Batch
{
    public Batch(long[] indices, Frame[] frames)
    {
        Indices = indices;
        Frames = frames;
    }

    /// <summary>Positions in the dataset (0..Count-1) of the items, in batch order.</summary>
    public long[] Indices { get; }
    public IReadOnlyList<Frame> Frames { get; }
    public int Size => Frames.Count;

    public int[] ShapeOf(string key) => [Size, .. Frames[0][key].Shape];

    public float[] Floats(string key)
    {
        var first = Frames[0][key];
        if (first.IsImage)
            return ImagesChwFloats(key);
        int each = first.Numbers!.Length;
        var result = new float[Size * each];
        for (int b = 0; b < Size; b++)
        {
            var n = Frames[b][key].Numbers!;
            for (int i = 0; i < each; i++)
                result[b * each + i] = (float)n[i];
        }
        return result;
    }

    public long[] Longs(string key) => Frames.SelectMany(f => f[key].ToLongs()).ToArray();

    public bool[] Bools(string key) => Frames.SelectMany(f => f[key].ToBools()).ToArray();

    /// <summary>uint8 HWC pixels of every item (and time step), concatenated.</summary>
    public byte[] ImagesUInt8(string key)
    {
        var imgs = Frames.SelectMany(f => f[key].Images ?? throw new InvalidOperationException($"'{key}' is not an image feature.")).ToArray();
        int each = imgs[0].Pixels.Length;
        var result = new byte[imgs.Length * each];
        for (int i = 0; i < imgs.Length; i++)
            Buffer.BlockCopy(imgs[i].Pixels, 0, result, i * each, each);
        return result;
    }

    /// <summary>Float CHW in [0, 1] for every item (and time step): [B, (T,) C, H, W].</summary>
    public float[] ImagesChwFloats(string key)
    {
        var imgs = Frames.SelectMany(f => f[key].Images ?? throw new InvalidOperationException($"'{key}' is not an image feature.")).ToArray();
        int each = imgs[0].Pixels.Length;
        var result = new float[imgs.Length * each];
        for (int i = 0; i < imgs.Length; i++)
            imgs[i].ToChwFloats(result.AsSpan(i * each, each));
        return result;
    }

    public string?[] Tasks => Frames.Select(f => f.Task).ToArray();
}
