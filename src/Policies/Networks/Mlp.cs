using RobotActors.Policies.Configs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Networks;

/// <summary>
/// HIL-SERL's MLP (LeRobot's MLP): per layer Linear, LayerNorm, SiLU; the last layer gets LayerNorm and an
/// activation only when activate_final, and then final_activation when one is named. Keys "net.{i}" count
/// every layer, activations included, as LeRobot's nn.Sequential does.
/// </summary>
public sealed class Mlp : NamedModule<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _net = new();

    public Mlp(long inputDim, IReadOnlyList<int> hiddenDims, bool activateFinal, string? finalActivation = null) : base("mlp")
    {
        var dim = inputDim;
        for (var i = 0; i < hiddenDims.Count; i++)
        {
            _net.Add(nn.Linear(dim, hiddenDims[i]));
            var last = i + 1 == hiddenDims.Count;
            if (!last || activateFinal)
            {
                _net.Add(nn.LayerNorm(hiddenDims[i]));
                _net.Add(last && finalActivation is not null ? Activation(finalActivation) : nn.SiLU());
            }
            dim = hiddenDims[i];
        }
        OutputDim = dim;
        register_module("net", _net);
    }

    public long OutputDim { get; }

    /// <summary>The torch.nn activation LeRobot names by class (getattr(nn, name)()).</summary>
    public static nn.Module<Tensor, Tensor> Activation(string name) => name switch
    {
        "SiLU" => nn.SiLU(),
        "ReLU" => nn.ReLU(),
        "Tanh" => nn.Tanh(),
        "GELU" => nn.GELU(),
        "ELU" => nn.ELU(),
        "Sigmoid" => nn.Sigmoid(),
        "LeakyReLU" => nn.LeakyReLU(),
        "Identity" => nn.Identity(),
        _ => throw new PolicyConfigException($"final_activation '{name}' is not a torch.nn activation this build knows; use one of SiLU, ReLU, Tanh, GELU, ELU, Sigmoid, LeakyReLU, Identity or null"),
    };

    public override Tensor forward(Tensor x)
    {
        foreach (var layer in _net) x = layer.forward(x);
        return x;
    }
}
