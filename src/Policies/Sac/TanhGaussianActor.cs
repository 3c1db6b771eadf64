using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Sac;

/// <summary>
/// The SAC actor: MLP, then mean and std heads; std = clamp(exp(raw), std_min, std_max) (the std, not the
/// log-std, is clamped); actions are tanh of a Gaussian sample, in (-1, 1), and the log-probability
/// includes the tanh Jacobian.
/// </summary>
public sealed class TanhGaussianActor : nn.Module
{
    private readonly Mlp _network;
    private readonly Linear _meanLayer;
    private readonly Linear _stdLayer;
    private readonly double _stdMin, _stdMax;

    public TanhGaussianActor(long inputDim, int actionDim, NetworkKwargs network, PolicyKwargsConfig kwargs) : base("actor")
    {
        _network = new Mlp(inputDim, network.HiddenDims, network.ActivateFinal);
        _meanLayer = nn.Linear(_network.OutputDim, actionDim);
        _stdLayer = nn.Linear(_network.OutputDim, actionDim);
        using (torch.no_grad())
            foreach (var layer in new[] { _meanLayer, _stdLayer })
            {
                nn.init.uniform_(layer.weight!, -kwargs.InitFinal, kwargs.InitFinal);
                nn.init.uniform_(layer.bias!, -kwargs.InitFinal, kwargs.InitFinal);
            }
        (_stdMin, _stdMax) = (kwargs.StdMin, kwargs.StdMax);
        register_module("network", _network);
        register_module("mean_layer", _meanLayer);
        register_module("std_layer", _stdLayer);
    }

    /// <summary>A reparameterized sample, its log-probability (B) and the squashed mean.</summary>
    public (Tensor Action, Tensor LogProb, Tensor Mean) Sample(Tensor encoded)
    {
        var h = _network.forward(encoded);
        var mean = _meanLayer.forward(h);
        var std = torch.exp(_stdLayer.forward(h)).clamp(_stdMin, _stdMax);
        var noise = torch.randn_like(mean);
        var u = mean + std * noise;
        var action = torch.tanh(u);
        var gaussian = (-0.5 * noise.pow(2) - torch.log(std) - 0.5 * Math.Log(2 * Math.PI)).sum(-1);
        // log(1 - tanh(u)^2) written stably as 2(log 2 - u - softplus(-2u)).
        var jacobian = (2 * (Math.Log(2) - u - nn.functional.softplus(-2 * u))).sum(-1);
        return (action, gaussian - jacobian, torch.tanh(mean));
    }

    public Tensor Deterministic(Tensor encoded) => torch.tanh(_meanLayer.forward(_network.forward(encoded)));
}
