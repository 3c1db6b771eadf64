using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks;

/// <summary>
/// Multi-head attention with PyTorch's nn.MultiheadAttention parameter names and layout, so checkpoints map
/// one to one: "in_proj_weight" (3E, E) and "in_proj_bias" (3E) hold the query, key and value projections
/// stacked, "out_proj" is a Linear. Inputs are sequence-first (L, B, E), as PyTorch's default.
/// </summary>
public sealed class MultiheadAttention : nn.Module
{
    private readonly Parameter _inProjWeight;
    private readonly Parameter _inProjBias;
    private readonly Linear _outProj;
    private readonly long _embedDim;
    private readonly long _heads;
    private readonly double _dropout;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public MultiheadAttention(long embedDim, long heads, double dropout = 0.0) : base("multihead_attention")
    {
        if (embedDim % heads != 0)
            throw new ArgumentException($"dim_model={embedDim} must be divisible by n_heads={heads}");
        _embedDim = embedDim;
        _heads = heads;
        _dropout = dropout;
        var w = torch.empty(3 * embedDim, embedDim);
        nn.init.xavier_uniform_(w);
        _inProjWeight = nn.Parameter(w);
        _inProjBias = nn.Parameter(torch.zeros(3 * embedDim));
        _outProj = nn.Linear(embedDim, embedDim);
        using (torch.no_grad()) _outProj.bias!.zero_();
        register_parameter("in_proj_weight", _inProjWeight);
        register_parameter("in_proj_bias", _inProjBias);
        register_module("out_proj", _outProj);
    }

    /// <param name="query">(L, B, E)</param>
    /// <param name="key">(S, B, E)</param>
    /// <param name="value">(S, B, E)</param>
    /// <param name="keyPaddingMask">(B, S), true where a key is padding and must not be attended to.</param>
    /// <returns>(L, B, E)</returns>
    public Tensor forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null)
    {
        using var scope = torch.NewDisposeScope();
        var e = _embedDim;
        var (wq, wk, wv) = (_inProjWeight[..(int)e], _inProjWeight[(int)e..(int)(2 * e)], _inProjWeight[(int)(2 * e)..]);
        var (bq, bk, bv) = (_inProjBias[..(int)e], _inProjBias[(int)e..(int)(2 * e)], _inProjBias[(int)(2 * e)..]);
        var q = Heads(nn.functional.linear(query, wq, bq));
        var k = Heads(nn.functional.linear(key, wk, bk));
        var v = Heads(nn.functional.linear(value, wv, bv));
        Tensor? mask = null;
        if (keyPaddingMask is not null)
        {
            // An additive mask: -inf removes padded keys from every head's softmax.
            var pad = keyPaddingMask.to(ScalarType.Bool).reshape(keyPaddingMask.shape[0], 1, 1, keyPaddingMask.shape[1]);
            mask = torch.zeros(pad.shape, dtype: q.dtype, device: q.device).masked_fill(pad, double.NegativeInfinity);
        }
        var attended = nn.functional.scaled_dot_product_attention(q, k, v, mask, training ? _dropout : 0.0);
        // (B, H, L, d) → (L, B, E)
        var merged = attended.permute(2, 0, 1, 3).reshape(query.shape[0], query.shape[1], e);
        return _outProj.forward(merged).MoveToOuterDisposeScope();
    }

    // (L, B, E) → (B, H, L, E/H)
    private Tensor Heads(Tensor x) =>
        x.reshape(x.shape[0], x.shape[1], _heads, _embedDim / _heads).permute(1, 2, 0, 3);
}
