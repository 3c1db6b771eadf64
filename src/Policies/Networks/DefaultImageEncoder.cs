using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks;

/// <summary>
/// HIL-SERL's default CNN: four convolutions (7/5/3/3, stride 2) of hidden_dim channels with ReLU. Its
/// layers are "image_enc_layers.{0,2,4,6}", LeRobot's DefaultImageEncoder names.
/// </summary>
public sealed class DefaultImageEncoder : NamedModule<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _layers;

    public DefaultImageEncoder(long inChannels, long hidden) : base("image_encoder")
    {
        _layers = nn.Sequential(
            nn.Conv2d(inChannels, hidden, 7, stride: 2), nn.ReLU(),
            nn.Conv2d(hidden, hidden, 5, stride: 2), nn.ReLU(),
            nn.Conv2d(hidden, hidden, 3, stride: 2), nn.ReLU(),
            nn.Conv2d(hidden, hidden, 3, stride: 2), nn.ReLU());
        register_module("image_enc_layers", _layers);
    }

    /// <summary>The side of the feature map for an input side (no padding: 7/5/3/3 kernels, stride 2).</summary>
    public static long OutputSize(long side)
    {
        foreach (var k in new[] { 7, 5, 3, 3 }) side = side < k ? 0 : (side - k) / 2 + 1;
        return side;
    }

    public override Tensor forward(Tensor x) => _layers.forward(x);
}
