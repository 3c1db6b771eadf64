using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policy.DitFlow;

/// <summary>
/// One camera to one token: a backbone ("backbone": a batch-norm ResNet up to layer4, named as Diffusion Policy's
/// nn.Sequential, or HIL-SERL's 4-layer CNN), spatial-softmax keypoints ("pool", where things are in the image)
/// and a Linear to hidden_dim ("out").
/// </summary>
public sealed class DitFlowImageEncoder : NamedModule<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _backbone;
    private readonly SpatialSoftmax _pool;
    private readonly Linear _out;

    public DitFlowImageEncoder(DitFlowConfig config, int[] imageShape) : base("image_encoder")
    {
        var (c, h, w) = (imageShape[0], imageShape[1], imageShape[2]);
        if (config.VisionBackbone == "conv")
        {
            _backbone = new DefaultImageEncoder(c, config.ImageEncoderHiddenDim);
            _pool = new SpatialSoftmax(config.ImageEncoderHiddenDim, DefaultImageEncoder.OutputSize(h), DefaultImageEncoder.OutputSize(w), config.SpatialSoftmaxNumKeypoints);
        }
        else
        {
            _backbone = new ResNet(config.VisionBackbone, ResNetNorm.BatchNorm, ResNetLayout.Sequential, c);
            _pool = new SpatialSoftmax(ResNet.OutputChannels, ResNet.FeatureSide(h), ResNet.FeatureSide(w), config.SpatialSoftmaxNumKeypoints);
        }
        _out = nn.Linear(2L * config.SpatialSoftmaxNumKeypoints, config.HiddenDim);
        register_module("backbone", _backbone);
        register_module("pool", _pool);
        register_module("out", _out);
    }

    public ResNet? ResNetBackbone => _backbone as ResNet;

    /// <param name="x">(N, C, H, W) normalized images.</param>
    /// <returns>(N, hidden_dim)</returns>
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var keypoints = _pool.forward(_backbone.forward(x)).flatten(1);
        return _out.forward(keypoints).MoveToOuterDisposeScope();
    }
}
