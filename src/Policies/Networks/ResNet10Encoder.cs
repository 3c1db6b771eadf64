using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks;

/// <summary>
/// The ResNet-10 layout HIL-SERL uses as its vision backbone: a 7×7 stride-2 stem with max-pooling, then
/// four stages of one basic residual block each (64, 128, 256, 512 channels; strides 1, 2, 2, 2). A
/// 128×128 image gives a 512×4×4 feature map. Group normalization keeps a frozen backbone independent of
/// batch statistics. The weights start random: pretrained ImageNet weights are not available here.
/// </summary>
public sealed class ResNet10Encoder : NamedModule<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _stem;
    private readonly ModuleList<BasicBlock> _stages = new();

    public ResNet10Encoder(long inChannels) : base("resnet10")
    {
        _stem = nn.Sequential(
            nn.Conv2d(inChannels, 64, 7, stride: 2, padding: 3, bias: false), Norms.GroupNorm(4, 64), nn.ReLU(),
            nn.MaxPool2d(3, stride: 2, padding: 1));
        long channels = 64;
        foreach (var (width, stride) in new[] { (64L, 1L), (128L, 2L), (256L, 2L), (512L, 2L) })
        {
            _stages.Add(new BasicBlock(channels, width, stride));
            channels = width;
        }
        register_module("embedder", _stem);
        register_module("stages", _stages);
    }

    public const long OutputChannels = 512;

    public override Tensor forward(Tensor x)
    {
        x = _stem.forward(x);
        foreach (var stage in _stages) x = stage.forward(x);
        return x;
    }

    private sealed class BasicBlock : NamedModule<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> _main;
        private readonly nn.Module<Tensor, Tensor>? _shortcut;

        public BasicBlock(long input, long output, long stride) : base("basic_block")
        {
            _main = nn.Sequential(
                nn.Conv2d(input, output, 3, stride: stride, padding: 1, bias: false), Norms.GroupNorm(4, output), nn.ReLU(),
                nn.Conv2d(output, output, 3, padding: 1, bias: false), Norms.GroupNorm(4, output));
            register_module("layer", _main);
            if (stride != 1 || input != output)
            {
                _shortcut = nn.Sequential(nn.Conv2d(input, output, 1, stride: stride, bias: false), Norms.GroupNorm(4, output));
                register_module("shortcut", _shortcut);
            }
        }

        public override Tensor forward(Tensor x) =>
            nn.functional.relu(_main.forward(x) + (_shortcut?.forward(x) ?? x));
    }
}
