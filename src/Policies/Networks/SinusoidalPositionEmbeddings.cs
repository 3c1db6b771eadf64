using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks;

/// <summary>Fixed sinusoidal position embeddings ("Attention is all you need") in 1-D and DETR's 2-D form.</summary>
public static class SinusoidalPositionEmbeddings
{
    /// <summary>
    /// (positions, dimension): sin at even and cos at odd dimensions of position / 10000^(2⌊j/2⌋/dimension),
    /// computed in double precision and stored as float32 (as ACT's VAE-encoder table).
    /// </summary>
    public static Tensor OneD(int positions, int dimension)
    {
        var table = new float[positions * dimension];
        for (var p = 0; p < positions; p++)
            for (var j = 0; j < dimension; j++)
            {
                var angle = p / Math.Pow(10000, 2.0 * (j / 2) / dimension);
                table[p * dimension + j] = (float)(j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
        return torch.tensor(table).reshape(positions, dimension);
    }

    /// <summary>
    /// DETR's 2-D embedding of a (B, C, H, W) feature map, returned as (1, 2·dimension, H, W): the first half
    /// encodes the row, the second the column. Positions run 1..H (1..W), scaled so the last is 2π, and
    /// each half interleaves sin and cos over frequencies 10000^(2⌊j/2⌋/dimension).
    /// </summary>
    public static Tensor TwoD(Tensor featureMap, int dimension)
    {
        using var scope = torch.NewDisposeScope();
        const double eps = 1e-6;
        long h = featureMap.shape[2], w = featureMap.shape[3];
        var device = featureMap.device;
        var y = torch.arange(1, h + 1, dtype: float32, device: device).reshape(1, h, 1).expand(1, h, w);
        var x = torch.arange(1, w + 1, dtype: float32, device: device).reshape(1, 1, w).expand(1, h, w);
        y = y / (h + eps) * (2 * Math.PI);
        x = x / (w + eps) * (2 * Math.PI);
        var frequency = torch.pow(10000.0, 2 * torch.floor_divide(torch.arange(dimension, dtype: float32, device: device), 2) / dimension);
        Tensor Encode(Tensor position)
        {
            var scaled = position.unsqueeze(-1) / frequency;                     // (1, H, W, dimension)
            var sin = scaled[.., .., .., TensorIndex.Slice(0, null, 2)].sin();
            var cos = scaled[.., .., .., TensorIndex.Slice(1, null, 2)].cos();
            return torch.stack([sin, cos], dim: -1).flatten(3);                 // interleaved sin, cos
        }
        return torch.cat([Encode(y), Encode(x)], dim: 3).permute(0, 3, 1, 2).to(featureMap.dtype).MoveToOuterDisposeScope();
    }
}
