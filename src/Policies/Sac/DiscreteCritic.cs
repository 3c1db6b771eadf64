using RobotActors.Policies.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Sac;

/// <summary>Q-values of the gripper's discrete actions from the encoded observation alone.</summary>
public sealed class DiscreteCritic : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _net;

    public DiscreteCritic(long inputDim, int actions, NetworkKwargs kwargs) : base("discrete_critic")
    {
        var mlp = new Mlp(inputDim, kwargs.HiddenDims, kwargs.ActivateFinal);
        _net = nn.Sequential(mlp, nn.Linear(mlp.OutputDim, actions));
        register_module("net", _net);
    }

    public override Tensor forward(Tensor encoded) => _net.forward(encoded);
}
