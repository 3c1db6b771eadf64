using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Sac;

/// <summary>Q-heads over concat(encoded observation, continuous action); output [num_critics, B].</summary>
public sealed class CriticEnsemble : nn.Module
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _critics = new();

    public CriticEnsemble(long inputDim, int count, NetworkKwargs kwargs) : base("critic_ensemble")
    {
        for (var i = 0; i < count; i++)
        {
            var mlp = new Mlp(inputDim, kwargs.HiddenDims, kwargs.ActivateFinal);
            var output = nn.Linear(mlp.OutputDim, 1);
            using (torch.no_grad())
            {
                nn.init.orthogonal_(output.weight!, 1.0);
                output.bias!.zero_();
            }
            _critics.Add(nn.Sequential(mlp, output));
        }
        register_module("critics", _critics);
    }

    public Tensor Forward(Tensor encoded, Tensor action)
    {
        var input = torch.cat([encoded, action], -1);
        return torch.stack(_critics.Select(c => c.forward(input).squeeze(-1)).ToArray(), 0);
    }
}
