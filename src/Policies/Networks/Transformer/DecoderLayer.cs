using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks.Transformer;

/// <summary>
/// A DETR-style decoder layer: self-attention over the queries, cross-attention to the encoder output (its
/// keys carry the encoder's position embedding), then a feed-forward block. Module names follow LeRobot's
/// ACTDecoderLayer (self_attn, multihead_attn, linear1, linear2, norm1..norm3).
/// </summary>
public sealed class DecoderLayer : nn.Module
{
    private readonly MultiheadAttention _selfAttn;
    private readonly MultiheadAttention _crossAttn;
    private readonly Linear _linear1;
    private readonly Linear _linear2;
    private readonly LayerNorm _norm1;
    private readonly LayerNorm _norm2;
    private readonly LayerNorm _norm3;
    private readonly Dropout _dropout;
    private readonly Dropout _dropout1;
    private readonly Dropout _dropout2;
    private readonly Dropout _dropout3;
    private readonly Func<Tensor, Tensor> _activation;
    private readonly bool _preNorm;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public DecoderLayer(TransformerSettings s) : base("decoder_layer")
    {
        _selfAttn = new MultiheadAttention(s.DimModel, s.Heads, s.Dropout);
        _crossAttn = new MultiheadAttention(s.DimModel, s.Heads, s.Dropout);
        _linear1 = nn.Linear(s.DimModel, s.DimFeedforward);
        _linear2 = nn.Linear(s.Activation == "glu" ? s.DimFeedforward / 2 : s.DimFeedforward, s.DimModel);
        _norm1 = nn.LayerNorm(s.DimModel);
        _norm2 = nn.LayerNorm(s.DimModel);
        _norm3 = nn.LayerNorm(s.DimModel);
        _dropout = nn.Dropout(s.Dropout);
        _dropout1 = nn.Dropout(s.Dropout);
        _dropout2 = nn.Dropout(s.Dropout);
        _dropout3 = nn.Dropout(s.Dropout);
        _activation = FeedForwardActivation.For(s.Activation);
        _preNorm = s.PreNorm;
        register_module("self_attn", _selfAttn);
        register_module("multihead_attn", _crossAttn);
        register_module("linear1", _linear1);
        register_module("dropout", _dropout);
        register_module("linear2", _linear2);
        register_module("norm1", _norm1);
        register_module("norm2", _norm2);
        register_module("norm3", _norm3);
        register_module("dropout1", _dropout1);
        register_module("dropout2", _dropout2);
        register_module("dropout3", _dropout3);
    }

    /// <param name="x">(T, B, D) decoder tokens.</param>
    /// <param name="encoderOut">(S, B, D)</param>
    /// <param name="decoderPosEmbed">(T, 1, D)</param>
    /// <param name="encoderPosEmbed">(S, 1, D)</param>
    public Tensor forward(Tensor x, Tensor encoderOut, Tensor? decoderPosEmbed = null, Tensor? encoderPosEmbed = null)
    {
        using var scope = torch.NewDisposeScope();
        Tensor WithPos(Tensor t, Tensor? pos) => pos is null ? t : t + pos;
        var skip = x;
        if (_preNorm) x = _norm1.forward(x);
        var qk = WithPos(x, decoderPosEmbed);
        x = _selfAttn.forward(qk, qk, x);
        x = skip + _dropout1.forward(x);
        if (_preNorm)
        {
            skip = x;
            x = _norm2.forward(x);
        }
        else
        {
            x = _norm1.forward(x);
            skip = x;
        }
        x = _crossAttn.forward(WithPos(x, decoderPosEmbed), WithPos(encoderOut, encoderPosEmbed), encoderOut);
        x = skip + _dropout2.forward(x);
        if (_preNorm)
        {
            skip = x;
            x = _norm3.forward(x);
        }
        else
        {
            x = _norm2.forward(x);
            skip = x;
        }
        x = _linear2.forward(_dropout.forward(_activation(_linear1.forward(x))));
        x = skip + _dropout3.forward(x);
        if (!_preNorm) x = _norm3.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
