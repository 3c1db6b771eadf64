using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Diffusion;

/// <summary>
/// Diffusion Policy's camera encoder (LeRobot's DiffusionRgbEncoder): optional resize, then a crop (random
/// while training when crop_is_random, centred otherwise), the ResNet up to layer4 (named as
/// nn.Sequential(*children[:-2]): "backbone.0" .. "backbone.7"), spatial softmax keypoints ("pool"), and a
/// Linear + ReLU ("out") to a 2·num_keypoints feature vector.
/// </summary>
public sealed class DiffusionRgbEncoder : nn.Module<Tensor, Tensor>
{
    private readonly int[]? _resize;
    private readonly int[]? _crop;
    private readonly bool _randomCrop;
    private readonly ResNet _backbone;
    private readonly SpatialSoftmax _pool;
    private readonly Linear _out;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public DiffusionRgbEncoder(DiffusionConfig config) : base("rgb_encoder")
    {
        var image = config.ImageFeatures[0].Value.Shape;
        _resize = config.ResizeShape;
        _crop = config.EffectiveCropShape;
        _randomCrop = config.CropIsRandom;
        _backbone = new ResNet(config.VisionBackbone, config.UseGroupNorm ? ResNetNorm.GroupNorm : ResNetNorm.BatchNorm,
            ResNetLayout.Sequential, image[0]);
        var side = _crop ?? _resize ?? [image[1], image[2]];
        _pool = new SpatialSoftmax(ResNet.OutputChannels, ResNet.FeatureSide(side[0]), ResNet.FeatureSide(side[1]), config.SpatialSoftmaxNumKeypoints);
        FeatureDim = config.SpatialSoftmaxNumKeypoints * 2;
        _out = nn.Linear(FeatureDim, FeatureDim);
        register_module("backbone", _backbone);
        register_module("pool", _pool);
        register_module("out", _out);
    }

    public long FeatureDim { get; }

    public ResNet Backbone => _backbone;

    /// <param name="x">(B, C, H, W) normalized images.</param>
    /// <returns>(B, 2·num_keypoints)</returns>
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        if (_resize is not null)
            x = nn.functional.interpolate(x, [_resize[0], _resize[1]], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        if (_crop is not null) x = Crop(x, _crop[0], _crop[1], random: training && _randomCrop);
        var keypoints = _pool.forward(_backbone.forward(x)).flatten(1);
        return nn.functional.relu(_out.forward(keypoints)).MoveToOuterDisposeScope();
    }

    /// <summary>One crop window for the whole batch, as torchvision's RandomCrop / CenterCrop on a batched tensor.</summary>
    public static Tensor Crop(Tensor x, int height, int width, bool random)
    {
        var (h, w) = ((int)x.shape[^2], (int)x.shape[^1]);
        int top, left;
        if (random)
        {
            top = (int)torch.randint(0, h - height + 1, [1]).item<long>();
            left = (int)torch.randint(0, w - width + 1, [1]).item<long>();
        }
        else
        {
            top = (int)Math.Round((h - height) / 2.0, MidpointRounding.ToEven);
            left = (int)Math.Round((w - width) / 2.0, MidpointRounding.ToEven);
        }
        return x[.., .., top..(top + height), left..(left + width)];
    }
}
