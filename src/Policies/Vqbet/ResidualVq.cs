using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Vqbet;

/// <summary>
/// The residual vector quantizer (LeRobot's vqbet_utils.ResidualVQ over VectorQuantize layers, commitment weight
/// 1): each layer quantizes what the layers before it left over, and the quantized vector is the sum of the layers'
/// codes. The output passes gradients straight through to the encoder; each layer's commitment loss pulls the
/// encoder towards its code. "freeze_codebook" stops the codebooks' moving-average updates once the VQ-VAE phase
/// is over. Keys: layers.{i}._codebook.{initted, cluster_size, embed_avg, embed}, freeze_codebook.
/// </summary>
public sealed class ResidualVq : NamedModule
{
    private readonly ModuleList<VectorQuantize> _layers = new();
    private readonly Tensor _freezeCodebook;

    public ResidualVq(long dim, int layers, long codebookSize) : base("vq_layer")
    {
        for (var i = 0; i < layers; i++) _layers.Add(new VectorQuantize(dim, codebookSize));
        _freezeCodebook = torch.tensor(false);
        register_module("layers", _layers);
        register_buffer("freeze_codebook", _freezeCodebook);
    }

    public bool Frozen
    {
        get => _freezeCodebook.item<bool>();
        set => _freezeCodebook.fill_(value);
    }

    /// <summary>(G, C, D): every layer's codes.</summary>
    public Tensor Codebooks => torch.stack(_layers.Select(l => l.Codebook.Codes).ToArray());

    /// <summary>
    /// Quantizes (N, D): the straight-through quantized vectors (N, D), the codes (N, G) and the per-layer
    /// commitment losses (G; zero outside training).
    /// </summary>
    public (Tensor Quantized, Tensor Codes, Tensor Losses) forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var update = training && !Frozen;
        var residual = x;
        Tensor? output = null;
        var codes = new List<Tensor>();
        var losses = new List<Tensor>();
        foreach (var layer in _layers)
        {
            var (quantized, indices, loss) = layer.Forward(residual, training, update);
            residual = residual - quantized.detach();
            output = output is null ? quantized : output + quantized;
            codes.Add(indices);
            losses.Add(loss);
        }
        return (output!.MoveToOuterDisposeScope(), torch.stack(codes.ToArray(), 1).MoveToOuterDisposeScope(),
            torch.stack(losses.ToArray()).MoveToOuterDisposeScope());
    }

    /// <summary>The sum over layers of the codes named by <paramref name="codes"/> (N, G): (N, D).</summary>
    public Tensor VectorFromCodes(Tensor codes)
    {
        using var scope = torch.NewDisposeScope();
        Tensor? sum = null;
        for (var g = 0; g < _layers.Count; g++)
        {
            var v = _layers[g].Codebook.Codes.index_select(0, codes[.., g]);
            sum = sum is null ? v : sum + v;
        }
        return sum!.MoveToOuterDisposeScope();
    }

    /// <summary>One layer (LeRobot's VectorQuantize without projections: the codebook dimension is the input's).</summary>
    public sealed class VectorQuantize : NamedModule
    {
        public VectorQuantize(long dim, long codebookSize) : base("vector_quantize")
        {
            Codebook = new EuclideanCodebook(dim, codebookSize);
            register_module("_codebook", Codebook);
        }

        public EuclideanCodebook Codebook { get; }

        public (Tensor Quantized, Tensor Indices, Tensor Loss) Forward(Tensor x, bool training, bool updateCodes)
        {
            var (quantize, indices) = Codebook.Forward(x, updateCodes);
            if (!training) return (quantize, indices, torch.zeros(1, device: x.device).squeeze());
            var commitment = nn.functional.mse_loss(quantize.detach(), x);
            return (x + (quantize - x).detach(), indices, commitment);
        }
    }
}
