using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks;

/// <summary>
/// Learned spatial pooling: out[b,c,f] = Σ_{h,w} feat[b,c,h,w]·K[c,h,w,f], flattened to C·F.
/// </summary>
public sealed class SpatialLearnedEmbeddings : NamedModule<Tensor, Tensor>
{
    private readonly Parameter _kernel;

    public SpatialLearnedEmbeddings(long height, long width, long channels, long features) : base("spatial_embeddings")
    {
        var k = torch.empty(channels, height, width, features);
        nn.init.kaiming_normal_(k, mode: nn.init.FanInOut.FanIn, nonlinearity: nn.init.NonlinearityType.Linear);
        _kernel = nn.Parameter(k);
        register_parameter("kernel", _kernel);
        OutputDim = channels * features;
    }

    public long OutputDim { get; }

    public override Tensor forward(Tensor features) =>
        torch.einsum("bchw,chwf->bcf", features, _kernel).flatten(1);
}
