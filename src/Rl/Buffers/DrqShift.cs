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
        var pad = Math.Max(dy.Select(Math.Abs).DefaultIfEmpty(0).Max(), dx.Select(Math.Abs).DefaultIfEmpty(0).Max());
        // Replicate-pad by repeating the edge rows and columns (works for uint8, where libtorch's replicate pad does not),
        // then crop each image at its own offset: out[y, x] = in[clamp(y - dy), clamp(x - dx)].
        var tall = torch.cat([images[.., .., ..1, ..].expand(b, c, pad, w), images, images[.., .., ^1.., ..].expand(b, c, pad, w)], 2);
        var padded = torch.cat([tall[.., .., .., ..1].expand(b, c, h + 2 * pad, pad), tall, tall[.., .., .., ^1..].expand(b, c, h + 2 * pad, pad)], 3);
        var crops = new Tensor[b];
        for (var i = 0; i < b; i++) crops[i] = padded[i].narrow(1, pad - dy[i], h).narrow(2, pad - dx[i], w);
        return torch.stack(crops, 0).MoveToOuterDisposeScope();
    }
}
