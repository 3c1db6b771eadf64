using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tdmpc;

/// <summary>
/// DrQ-v2's random shift as TD-MPC uses it for training (LeRobot's random_shifts_aug): each image is padded by
/// round(ratio · side) pixels repeating its edge, then a side × side window is cut at a random whole-pixel offset.
/// LeRobot resamples with grid_sample at pixel-centre coordinates, which for whole-pixel shifts is this crop.
/// </summary>
public static class TdmpcRandomShift
{
    /// <summary>Shifts (B, C, H, W) images (square, as the config requires); ratio 0 or a pad of 0 leaves them as they are.</summary>
    public static Tensor Apply(Tensor images, double maxRandomShiftRatio)
    {
        var side = images.shape[^1];
        var pad = (long)Math.Round(maxRandomShiftRatio * side);
        if (pad == 0) return images;
        using var scope = torch.NewDisposeScope();
        var padded = nn.functional.pad(images, [pad, pad, pad, pad], PaddingModes.Replicate);
        var shifts = torch.randint(0, 2 * pad + 1, [images.shape[0], 2], dtype: ScalarType.Int64).data<long>().ToArray();
        var crops = new Tensor[images.shape[0]];
        for (var i = 0; i < crops.Length; i++)
        {
            long dx = shifts[2 * i], dy = shifts[2 * i + 1];
            crops[i] = padded[i, .., TensorIndex.Slice(dy, dy + side), TensorIndex.Slice(dx, dx + side)];
        }
        return torch.stack(crops, 0).MoveToOuterDisposeScope();
    }
}
