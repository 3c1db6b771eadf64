using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks;

/// <summary>
/// LeRobot's PretrainedImageEncoder: a named vision backbone kept under "image_enc_layers". The only one
/// available here is the ResNet-10 layout (<see cref="ResNet10Encoder"/>), and it starts from random weights.
/// </summary>
public sealed class PretrainedImageEncoder : NamedModule<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _layers;

    public PretrainedImageEncoder(nn.Module<Tensor, Tensor> backbone) : base("image_encoder")
    {
        _layers = backbone;
        register_module("image_enc_layers", _layers);
    }

    public override Tensor forward(Tensor x) => _layers.forward(x);
}
