using RobotActors.Policies.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Vqbet;

/// <summary>
/// One codebook of the residual VQ (LeRobot's vqbet_utils.EuclideanCodebook with its defaults: one codebook,
/// Kaiming-uniform initial codes, no k-means, no dead-code expiry). The codes are not trained by gradients: while
/// training and not frozen, each forward moves them towards the mean of the inputs assigned to them by an
/// exponential moving average (decay 0.8) of the assignment counts ("cluster_size") and sums ("embed_avg").
/// Buffers: initted (1), cluster_size (1, C), embed_avg (1, C, D), embed (1, C, D).
/// </summary>
public sealed class EuclideanCodebook : NamedModule
{
    private const double Decay = 0.8;
    private const double Eps = 1e-5;
    private readonly Tensor _initted, _clusterSize, _embedAvg, _embed;
    private readonly long _codebookSize;

    public EuclideanCodebook(long dim, long codebookSize) : base("_codebook")
    {
        _codebookSize = codebookSize;
        var embed = torch.empty(1, codebookSize, dim);
        nn.init.kaiming_uniform_(embed);
        _initted = torch.ones(1);
        _clusterSize = torch.zeros(1, codebookSize);
        _embedAvg = embed.clone();
        _embed = embed;
        register_buffer("initted", _initted);
        register_buffer("cluster_size", _clusterSize);
        register_buffer("embed_avg", _embedAvg);
        register_buffer("embed", _embed);
    }

    /// <summary>The codes, (C, D).</summary>
    public Tensor Codes => _embed[0];

    /// <summary>Nearest code per row of <paramref name="x"/> (N, D): the codes (N, D) and their indices (N).</summary>
    public (Tensor Quantize, Tensor Indices) Forward(Tensor x, bool updateCodes)
    {
        using var scope = torch.NewDisposeScope();
        var codes = _embed[0].detach();
        var squared = x.pow(2).sum(-1, keepdim: true) + codes.pow(2).sum(-1).unsqueeze(0) - 2 * x.matmul(codes.t());
        var indices = squared.argmin(-1);
        var quantize = codes.index_select(0, indices);
        if (updateCodes)
        {
            using var noGrad = torch.no_grad();
            var onehot = nn.functional.one_hot(indices, _codebookSize).to(ScalarType.Float32);      // (N, C)
            _clusterSize.mul_(Decay).add_(onehot.sum(0).unsqueeze(0), alpha: 1 - Decay);
            _embedAvg.mul_(Decay).add_(onehot.t().matmul(x.detach()).unsqueeze(0), alpha: 1 - Decay);
            // Laplace smoothing keeps unused codes from dividing by zero.
            var total = _clusterSize.sum(-1, keepdim: true);
            var smoothed = (_clusterSize + Eps) / (total + _codebookSize * Eps) * total;
            _embed.copy_(_embedAvg / smoothed.unsqueeze(-1));
        }
        return (quantize.MoveToOuterDisposeScope(), indices.MoveToOuterDisposeScope());
    }
}
