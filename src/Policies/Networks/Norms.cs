using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks;

/// <summary>Normalization layers with PyTorch's initial values.</summary>
public static class Norms
{
    /// <summary>
    /// GroupNorm with weight 1 and bias 0. TorchSharp 0.107's nn.GroupNorm leaves its affine parameters
    /// uninitialized (whatever the allocator returns, at times huge or NaN), so it must not be used bare.
    /// </summary>
    public static GroupNorm GroupNorm(long groups, long channels)
    {
        var norm = nn.GroupNorm(groups, channels);
        using var noGrad = torch.no_grad();
        norm.weight!.fill_(1);
        norm.bias!.zero_();
        return norm;
    }
}
