using RobotActors.Policies.Diffusion;
using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Vqbet;

/// <summary>
/// VQ-BeT's camera encoder (LeRobot's VQBeTRgbEncoder, the same as Diffusion Policy's): a crop (random while
/// training when crop_is_random, centred otherwise), the ResNet up to layer4 named as nn.Sequential(*children[:-2])
/// ("backbone.0" .. "backbone.7"), spatial softmax keypoints ("pool") and Linear + ReLU ("out").
/// </summary>
public sealed class VqbetRgbEncoder : NamedModule<Tensor, Tensor>
{
    private readonly int[]? _crop;
    private readonly bool _randomCrop;
    private readonly ResNet _backbone;
    private readonly SpatialSoftmax _pool;
    private readonly Linear _out;

    public VqbetRgbEncoder(VqbetConfig config) : base("rgb_encoder")
    {
        var image = config.ImageFeatures[0].Value.Shape;
        _crop = config.CropShape;
        _randomCrop = config.CropIsRandom;
        _backbone = new ResNet(config.VisionBackbone, config.UseGroupNorm ? ResNetNorm.GroupNorm : ResNetNorm.BatchNorm,
            ResNetLayout.Sequential, image[0]);
        var side = _crop ?? [image[1], image[2]];
        _pool = new SpatialSoftmax(ResNet.OutputChannels, ResNet.FeatureSide(side[0]), ResNet.FeatureSide(side[1]), config.SpatialSoftmaxNumKeypoints);
        FeatureDim = config.SpatialSoftmaxNumKeypoints * 2;
        _out = nn.Linear(FeatureDim, FeatureDim);
        register_module("backbone", _backbone);
        register_module("pool", _pool);
        register_module("out", _out);
    }

    public long FeatureDim { get; }

    public ResNet Backbone => _backbone;

    /// <param name="x">(B, C, H, W) images.</param>
    /// <returns>(B, 2·num_keypoints)</returns>
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        if (_crop is not null) x = DiffusionRgbEncoder.Crop(x, _crop[0], _crop[1], random: training && _randomCrop);
        var keypoints = _pool.forward(_backbone.forward(x)).flatten(1);
        return nn.functional.relu(_out.forward(keypoints)).MoveToOuterDisposeScope();
    }
}
