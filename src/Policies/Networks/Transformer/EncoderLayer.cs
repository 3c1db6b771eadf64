using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks.Transformer;

/// <summary>
/// A DETR-style encoder layer: self-attention whose queries and keys (not values) carry the position
/// embedding, then a feed-forward block; post-norm as the original ACT unless pre_norm. Module names follow
/// LeRobot's ACTEncoderLayer (self_attn, linear1, linear2, norm1, norm2).
/// </summary>
public sealed class EncoderLayer : nn.Module
{
    private readonly MultiheadAttention _selfAttn;
    private readonly Linear _linear1;
    private readonly Linear _linear2;
    private readonly LayerNorm _norm1;
    private readonly LayerNorm _norm2;
    private readonly Dropout _dropout;
    private readonly Dropout _dropout1;
    private readonly Dropout _dropout2;
    private readonly Func<Tensor, Tensor> _activation;
    private readonly bool _preNorm;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public EncoderLayer(TransformerSettings s) : base("encoder_layer")
    {
        _selfAttn = new MultiheadAttention(s.DimModel, s.Heads, s.Dropout);
        _linear1 = nn.Linear(s.DimModel, s.DimFeedforward);
        _linear2 = nn.Linear(s.Activation == "glu" ? s.DimFeedforward / 2 : s.DimFeedforward, s.DimModel);
        _norm1 = nn.LayerNorm(s.DimModel);
        _norm2 = nn.LayerNorm(s.DimModel);
        _dropout = nn.Dropout(s.Dropout);
        _dropout1 = nn.Dropout(s.Dropout);
        _dropout2 = nn.Dropout(s.Dropout);
        _activation = FeedForwardActivation.For(s.Activation);
        _preNorm = s.PreNorm;
        register_module("self_attn", _selfAttn);
        register_module("linear1", _linear1);
        register_module("dropout", _dropout);
        register_module("linear2", _linear2);
        register_module("norm1", _norm1);
        register_module("norm2", _norm2);
        register_module("dropout1", _dropout1);
        register_module("dropout2", _dropout2);
    }

    /// <param name="x">(S, B, D)</param>
    /// <param name="posEmbed">(S, 1 or B, D), added to queries and keys.</param>
    /// <param name="keyPaddingMask">(B, S), true for padding tokens.</param>
    public Tensor forward(Tensor x, Tensor? posEmbed = null, Tensor? keyPaddingMask = null)
    {
        using var scope = torch.NewDisposeScope();
        var skip = x;
        if (_preNorm) x = _norm1.forward(x);
        var qk = posEmbed is null ? x : x + posEmbed;
        x = _selfAttn.forward(qk, qk, x, keyPaddingMask);
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
        x = _linear2.forward(_dropout.forward(_activation(_linear1.forward(x))));
        x = skip + _dropout2.forward(x);
        if (!_preNorm) x = _norm2.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
