using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks.Transformer;

/// <summary>A stack of decoder layers ("layers.N") followed by a LayerNorm ("norm"), as ACTDecoder.</summary>
public sealed class Decoder : nn.Module
{
    private readonly ModuleList<DecoderLayer> _layers = new();
    private readonly LayerNorm _norm;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public Decoder(TransformerSettings settings, int layers) : base("decoder")
    {
        for (var i = 0; i < layers; i++) _layers.Add(new DecoderLayer(settings));
        _norm = nn.LayerNorm(settings.DimModel);
        register_module("layers", _layers);
        register_module("norm", _norm);
    }

    public Tensor forward(Tensor x, Tensor encoderOut, Tensor? decoderPosEmbed = null, Tensor? encoderPosEmbed = null)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var layer in _layers) x = layer.forward(x, encoderOut, decoderPosEmbed, encoderPosEmbed);
        return _norm.forward(x).MoveToOuterDisposeScope();
    }
}
