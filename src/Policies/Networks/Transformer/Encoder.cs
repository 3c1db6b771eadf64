using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks.Transformer;

/// <summary>A stack of encoder layers ("layers.N"), followed by a LayerNorm ("norm") only with pre-norm (ACTEncoder).</summary>
public sealed class Encoder : nn.Module
{
    private readonly ModuleList<EncoderLayer> _layers = new();
    private readonly LayerNorm? _norm;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public Encoder(TransformerSettings settings, int layers) : base("encoder")
    {
        for (var i = 0; i < layers; i++) _layers.Add(new EncoderLayer(settings));
        register_module("layers", _layers);
        if (settings.PreNorm)
        {
            _norm = nn.LayerNorm(settings.DimModel);
            register_module("norm", _norm);
        }
    }

    public Tensor forward(Tensor x, Tensor? posEmbed = null, Tensor? keyPaddingMask = null)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var layer in _layers) x = layer.forward(x, posEmbed, keyPaddingMask);
        if (_norm is not null) x = _norm.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
