using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks;

/// <summary>Which normalization a ResNet's blocks use.</summary>
public enum ResNetNorm
{
    /// <summary>torchvision's FrozenBatchNorm2d (ACT): statistics and affine parameters are fixed buffers.</summary>
    FrozenBatchNorm,
    /// <summary>Ordinary trainable BatchNorm2d with running statistics (Diffusion Policy's default).</summary>
    BatchNorm,
    /// <summary>GroupNorm with channels / 16 groups (Diffusion Policy with use_group_norm).</summary>
    GroupNorm,
}

/// <summary>
/// How the ResNet's stem and stages are named in the state dict: as torchvision's module attributes
/// ("conv1", "bn1", "layer1".."layer4", ACT's IntermediateLayerGetter) or as the positions of
/// nn.Sequential(*children[:-2]) ("0", "1", "4".."7", Diffusion Policy's and VQ-BeT's encoders).
/// </summary>
public enum ResNetLayout
{
    Named,
    Sequential,
}

/// <summary>
/// A torchvision ResNet with BasicBlocks (resnet18, resnet34) up to the layer4 feature map (512 channels, 1/32
/// of the input size): conv1 7×7/2, bn1, relu, maxpool 3×3/2, then four stages. Parameter names follow
/// torchvision so ImageNet weights in safetensors form load by name (see <see cref="LoadTorchvisionWeights"/>).
/// Shared by ACT and Diffusion Policy (and the later VQ-BeT encoder).
/// </summary>
public sealed class ResNet : nn.Module<Tensor, Tensor>
{
    public const long OutputChannels = 512;
    private static readonly Dictionary<string, int[]> BlocksPerStage = new(StringComparer.Ordinal)
    {
        ["resnet18"] = [2, 2, 2, 2],
        ["resnet34"] = [3, 4, 6, 3],
    };

    private readonly nn.Module<Tensor, Tensor> _conv1;
    private readonly nn.Module<Tensor, Tensor> _bn1;
    private readonly nn.Module<Tensor, Tensor> _maxPool;
    private readonly List<Sequential> _stages = new();
    private readonly ResNetLayout _layout;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public ResNet(string name, ResNetNorm norm, ResNetLayout layout, long inChannels = 3) : base(name)
    {
        var blocks = BlocksPerStage.TryGetValue(name, out var b) ? b
            : throw new ArgumentException($"vision_backbone '{name}' is not available; use one of {string.Join(", ", SupportedNames)}");
        _layout = layout;
        Norm = norm;
        _conv1 = nn.Conv2d(inChannels, 64, 7, stride: 2, padding: 3, bias: false);
        _bn1 = MakeNorm(norm, 64);
        _maxPool = nn.MaxPool2d(3, stride: 2, padding: 1);
        register_module(layout == ResNetLayout.Named ? "conv1" : "0", _conv1);
        register_module(layout == ResNetLayout.Named ? "bn1" : "1", _bn1);
        long channels = 64;
        var widths = new long[] { 64, 128, 256, 512 };
        for (var s = 0; s < 4; s++)
        {
            var stage = nn.Sequential();
            for (var i = 0; i < blocks[s]; i++)
            {
                var stride = i == 0 && s > 0 ? 2 : 1;
                stage.append(new BasicBlock(channels, widths[s], stride, norm));
                channels = widths[s];
            }
            _stages.Add(stage);
            register_module(layout == ResNetLayout.Named ? $"layer{s + 1}" : $"{s + 4}", stage);
        }
        Initialize();
    }

    public static IReadOnlyCollection<string> SupportedNames => BlocksPerStage.Keys;

    public ResNetNorm Norm { get; }

    /// <summary>The layer4 feature map's height or width for an input side (each of the five stride-2 steps rounds up).</summary>
    public static long FeatureSide(long inputSide)
    {
        for (var i = 0; i < 5; i++) inputSide = (inputSide + 1) / 2;
        return inputSide;
    }

    internal static nn.Module<Tensor, Tensor> MakeNorm(ResNetNorm norm, long channels) => norm switch
    {
        ResNetNorm.FrozenBatchNorm => new FrozenBatchNorm2d(channels),
        ResNetNorm.BatchNorm => nn.BatchNorm2d(channels),
        _ => Norms.GroupNorm(channels / 16, channels),
    };

    // torchvision's initialization: He-normal convolutions (fan out), unit-scale zero-shift norms.
    private void Initialize()
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in named_modules())
        {
            if (module is Conv2d conv) nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            else if (module is BatchNorm2d bn)
            {
                bn.weight!.fill_(1);
                bn.bias!.zero_();
            }
            else if (module is GroupNorm gn)
            {
                gn.weight!.fill_(1);
                gn.bias!.zero_();
            }
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        x = _maxPool.forward(nn.functional.relu(_bn1.forward(_conv1.forward(x))));
        foreach (var stage in _stages) x = stage.forward(x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>This module's state-dict key for a torchvision resnet key, or null when it has no such tensor.</summary>
    private string? OwnKey(string torchvisionKey)
    {
        if (_layout == ResNetLayout.Named) return torchvisionKey;
        var dot = torchvisionKey.IndexOf('.');
        var head = torchvisionKey[..dot];
        var rest = torchvisionKey[dot..];
        return head switch
        {
            "conv1" => "0" + rest,
            "bn1" => "1" + rest,
            "layer1" or "layer2" or "layer3" or "layer4" => $"{head[^1] - '0' + 3}{rest}",
            _ => null,
        };
    }

    /// <summary>
    /// Loads torchvision ImageNet weights saved as safetensors with torchvision's resnet state-dict keys:
    /// "conv1.weight", "bn1.{weight,bias,running_mean,running_var}", "layer{1..4}.{block}.conv{1,2}.weight",
    /// "layer{1..4}.{block}.bn{1,2}.*", "layer{2..4}.0.downsample.{0.weight,1.*}" ("fc.*" and, for frozen
    /// norms, "num_batches_tracked" are ignored). Every tensor this backbone has must be in the file with its shape.
    /// </summary>
    public void LoadTorchvisionWeights(string path)
    {
        if (Norm == ResNetNorm.GroupNorm)
            throw new InvalidOperationException("pretrained ResNet weights cannot be used with group normalization (their batch-norm statistics would be lost); set use_group_norm=false");
        if (!File.Exists(path))
            throw new FileNotFoundException($"pretrained_backbone_weights: {path} not found; point it at a torchvision {GetName()} state dict saved as safetensors, or set it to null for random weights", path);
        var file = SafeTensors.TorchSafeTensors.Load(path);
        var own = state_dict();
        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in file)
            if (OwnKey(key) is { } k && own.ContainsKey(k)) mapped[k] = tensor;
        var missing = own.Keys.Where(k => !mapped.ContainsKey(k) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"pretrained_backbone_weights {path} lacks {missing.Count} tensors of a torchvision {GetName()}, e.g. {string.Join(", ", missing.Take(4))}; expected torchvision's keys such as conv1.weight, bn1.running_mean, layer1.0.conv1.weight");
        using var noGrad = torch.no_grad();
        foreach (var (key, value) in mapped)
        {
            var target = own[key];
            if (!target.shape.SequenceEqual(value.shape))
                throw new InvalidDataException($"pretrained_backbone_weights {path}: '{key}' has shape [{string.Join(", ", value.shape)}] but {GetName()} expects [{string.Join(", ", target.shape)}]");
            target.copy_(value.to(target.dtype));
        }
    }

    private sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> _conv1;
        private readonly nn.Module<Tensor, Tensor> _bn1;
        private readonly nn.Module<Tensor, Tensor> _conv2;
        private readonly nn.Module<Tensor, Tensor> _bn2;
        private readonly Sequential? _downsample;

        // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

        protected override void RegisterComponents() { }


        public BasicBlock(long input, long output, long stride, ResNetNorm norm) : base("basic_block")
        {
            _conv1 = nn.Conv2d(input, output, 3, stride: stride, padding: 1, bias: false);
            _bn1 = MakeNorm(norm, output);
            _conv2 = nn.Conv2d(output, output, 3, padding: 1, bias: false);
            _bn2 = MakeNorm(norm, output);
            register_module("conv1", _conv1);
            register_module("bn1", _bn1);
            register_module("conv2", _conv2);
            register_module("bn2", _bn2);
            if (stride != 1 || input != output)
            {
                _downsample = nn.Sequential(nn.Conv2d(input, output, 1, stride: stride, bias: false), MakeNorm(norm, output));
                register_module("downsample", _downsample);
            }
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = torch.NewDisposeScope();
            var y = nn.functional.relu(_bn1.forward(_conv1.forward(x)));
            y = _bn2.forward(_conv2.forward(y));
            return nn.functional.relu(y + (_downsample?.forward(x) ?? x)).MoveToOuterDisposeScope();
        }
    }
}
