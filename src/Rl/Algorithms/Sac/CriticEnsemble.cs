using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Rl.Algorithms.Sac;

/// <summary>
/// LeRobot's CriticEnsemble: Q-heads over concat(encoded observation, continuous action), output
/// [num_critics, B]. Keys "critics.{i}.net.net.*" and "critics.{i}.output_layer.*". The encoder it reads
/// belongs to the policy and is not part of its keys (LeRobot strips "encoder." from the algorithm state).
/// </summary>
public sealed class CriticEnsemble : NamedModule
{
    private readonly ModuleList<CriticHead> _critics = new();

    public CriticEnsemble(long inputDim, int count, CriticNetworkConfig kwargs) : base("critic_ensemble")
    {
        for (var i = 0; i < count; i++) _critics.Add(new CriticHead(inputDim, kwargs));
        register_module("critics", _critics);
    }

    public int Count => _critics.Count;

    public Tensor Forward(Tensor encoded, Tensor action)
    {
        var input = torch.cat([encoded, action], -1);
        return torch.stack(_critics.Select(c => c.forward(input).squeeze(-1)).ToArray(), 0);
    }
}

/// <summary>LeRobot's CriticHead: an MLP then a one-unit output layer (orthogonal weight, zero bias).</summary>
public sealed class CriticHead : NamedModule<Tensor, Tensor>
{
    private readonly Mlp _net;
    private readonly Linear _outputLayer;

    public CriticHead(long inputDim, CriticNetworkConfig kwargs) : base("critic_head")
    {
        _net = new Mlp(inputDim, kwargs.HiddenDims, kwargs.ActivateFinal, kwargs.FinalActivation);
        _outputLayer = nn.Linear(_net.OutputDim, 1);
        using (torch.no_grad())
        {
            nn.init.orthogonal_(_outputLayer.weight!, 1.0);
            _outputLayer.bias!.zero_();
        }
        register_module("net", _net);
        register_module("output_layer", _outputLayer);
    }

    public override Tensor forward(Tensor x) => _outputLayer.forward(_net.forward(x));
}
