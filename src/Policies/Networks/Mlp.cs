using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks;

/// <summary>HIL-SERL's MLP: per layer Linear, LayerNorm, SiLU; the last layer's activation only when activate_final.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _net = new();

    public Mlp(long inputDim, IReadOnlyList<int> hiddenDims, bool activateFinal) : base("mlp")
    {
        var dim = inputDim;
        for (var i = 0; i < hiddenDims.Count; i++)
        {
            _net.Add(nn.Linear(dim, hiddenDims[i]));
            if (i + 1 < hiddenDims.Count || activateFinal)
            {
                _net.Add(nn.LayerNorm(hiddenDims[i]));
                _net.Add(nn.SiLU());
            }
            dim = hiddenDims[i];
        }
        OutputDim = dim;
        register_module("net", _net);
    }

    public long OutputDim { get; }

    public override Tensor forward(Tensor x)
    {
        foreach (var layer in _net) x = layer.forward(x);
        return x;
    }
}
