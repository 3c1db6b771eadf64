using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using MultiheadAttention = RobotActors.Policies.Networks.MultiheadAttention;
using static TorchSharp.torch;

namespace RobotActors.Policy.DitFlow;

/// <summary>
/// A DiT block with adaLN-Zero (Peebles and Xie, "Scalable Diffusion Models with Transformers"): the conditioning
/// vector gives a shift, scale and gate for the self-attention and for the MLP. The modulation starts at zero, so
/// every block starts as the identity and training opens it up gradually.
/// </summary>
public sealed class DitBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm _norm1;
    private readonly MultiheadAttention _attn;
    private readonly Dropout _attnDropout;
    private readonly LayerNorm _norm2;
    private readonly Sequential _mlp;
    private readonly Sequential _adaLnModulation;

    // Submodules are registered under the names below only; TorchSharp must not add the C# field names too.
    protected override void RegisterComponents() { }

    public DitBlock(long dim, long heads, double mlpRatio, double dropout) : base("dit_block")
    {
        var hidden = (long)Math.Round(dim * mlpRatio);
        _norm1 = nn.LayerNorm(dim, eps: 1e-6, elementwise_affine: false);
        _attn = new MultiheadAttention(dim, heads, dropout);
        _attnDropout = nn.Dropout(dropout);
        _norm2 = nn.LayerNorm(dim, eps: 1e-6, elementwise_affine: false);
        _mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, dim));
        var modulation = nn.Linear(dim, 6 * dim);
        using (torch.no_grad())
        {
            modulation.weight!.zero_();
            modulation.bias!.zero_();
        }
        _adaLnModulation = nn.Sequential(nn.SiLU(), modulation);
        register_module("norm1", _norm1);
        register_module("attn", _attn);
        register_module("norm2", _norm2);
        register_module("mlp", _mlp);
        register_module("adaLN_modulation", _adaLnModulation);
    }

    /// <param name="x">(B, L, D) tokens.</param>
    /// <param name="c">(B, D) conditioning (flow time and observation).</param>
    public override Tensor forward(Tensor x, Tensor c)
    {
        using var scope = torch.NewDisposeScope();
        var m = _adaLnModulation.forward(c).unsqueeze(1).chunk(6, -1);
        var (shiftAttn, scaleAttn, gateAttn, shiftMlp, scaleMlp, gateMlp) = (m[0], m[1], m[2], m[3], m[4], m[5]);
        var h = Modulate(_norm1.forward(x), shiftAttn, scaleAttn).transpose(0, 1); // (L, B, D) for attention
        var attended = _attnDropout.forward(_attn.forward(h, h, h).transpose(0, 1));
        x = x + gateAttn * attended;
        x = x + gateMlp * _mlp.forward(Modulate(_norm2.forward(x), shiftMlp, scaleMlp));
        return x.MoveToOuterDisposeScope();
    }

    internal static Tensor Modulate(Tensor x, Tensor shift, Tensor scale) => x * (1 + scale) + shift;
}
