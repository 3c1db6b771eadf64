using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Buffers;

/// <summary>
/// DrQ's random shift (LeRobot's random_shift, pad 4): each image is padded by replicating its border
/// pixels and cropped back to its size at an offset drawn independently per image, i.e. moved by up to
/// ±pad pixels in each direction with the border stretched into the gap. Works on any dtype (the buffer
/// shifts uint8 frames before converting them to floats).
/// </summary>
public static class DrqShift
{
    public const int DefaultPad = 4;

    /// <summary>Shifts a batch [B, C, H, W]; the offsets (dx, dy in [-pad, pad]) come from <paramref name="random"/>.</summary>
    public static Tensor Apply(Tensor images, SeededRandom random, int pad = DefaultPad)
    {
        if (images.dim() != 4) throw new ArgumentException($"DrQ shifts a batch of images [B, C, H, W]; got shape [{string.Join(", ", images.shape)}]");
        var (b, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3]);
        var dy = new long[b];
        var dx = new long[b];
        for (var i = 0; i < b; i++)
        {
            dy[i] = random.NextInt(2 * pad + 1) - pad;
            dx[i] = random.NextInt(2 * pad + 1) - pad;
        }
        return Shift(images, dy, dx);
    }

    /// <summary>Moves image i by (dy[i], dx[i]) pixels (positive: content moves down / right), replicating the border.</summary>
    public static Tensor Shift(Tensor images, long[] dy, long[] dx)
    {
        using var scope = torch.NewDisposeScope();
        var (b, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3]);
        // out[i, :, y, x] = in[i, :, clamp(y - dy_i), clamp(x - dx_i)]: one gather with broadcast indices.
        var rows = (torch.arange(h).unsqueeze(0) - torch.tensor(dy).unsqueeze(1)).clamp(0, h - 1).reshape(b, 1, h, 1);
        var cols = (torch.arange(w).unsqueeze(0) - torch.tensor(dx).unsqueeze(1)).clamp(0, w - 1).reshape(b, 1, 1, w);
        var batch = torch.arange(b).reshape(b, 1, 1, 1);
        var channel = torch.arange(c).reshape(1, c, 1, 1);
        var shifted = images.index(TensorIndex.Tensor(batch), TensorIndex.Tensor(channel), TensorIndex.Tensor(rows), TensorIndex.Tensor(cols));
        return shifted.MoveToOuterDisposeScope();
    }
}
