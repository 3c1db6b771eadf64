using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.GaussianActor;

/// <summary>
/// LeRobot's actor ("Policy" in modeling_gaussian_actor): the observation encoder, an MLP, then mean and std
/// heads; std = clamp(exp(raw), std_min, std_max) (the std, not the log-std, is clamped). With
/// use_tanh_squash the action is tanh of a Gaussian sample, in (-1, 1), and the log-probability includes
/// the tanh Jacobian. Keys: encoder.*, network.net.*, mean_layer.*, std_layer.*.
/// </summary>
public sealed class TanhGaussianActor : NamedModule
{
    private readonly GaussianActorObservationEncoder _encoder;
    private readonly Mlp _network;
    private readonly Linear _meanLayer;
    private readonly Linear _stdLayer;
    private readonly double _stdMin, _stdMax;
    private readonly bool _squash;

    public TanhGaussianActor(GaussianActorObservationEncoder encoder, bool encoderIsShared, int actionDim, ActorNetworkConfig network, PolicyKwargsConfig kwargs)
        : base("actor")
    {
        _encoder = encoder;
        EncoderIsShared = encoderIsShared;
        _network = new Mlp(encoder.OutputDim, network.HiddenDims, network.ActivateFinal);
        _meanLayer = nn.Linear(_network.OutputDim, actionDim);
        _stdLayer = nn.Linear(_network.OutputDim, actionDim);
        using (torch.no_grad())
            foreach (var layer in new[] { _meanLayer, _stdLayer })
            {
                nn.init.uniform_(layer.weight!, -kwargs.InitFinal, kwargs.InitFinal);
                nn.init.uniform_(layer.bias!, -kwargs.InitFinal, kwargs.InitFinal);
            }
        (_stdMin, _stdMax, _squash) = (kwargs.StdMin, kwargs.StdMax, kwargs.UseTanhSquash);
        OutputDim = actionDim;
        register_module("encoder", _encoder);
        register_module("network", _network);
        register_module("mean_layer", _meanLayer);
        register_module("std_layer", _stdLayer);
    }

    public GaussianActorObservationEncoder Encoder => _encoder;

    /// <summary>The continuous action dimensions it outputs.</summary>
    public int OutputDim { get; }

    /// <summary>With a shared encoder the actor reads a detached encoding: only the critics train the encoder.</summary>
    public bool EncoderIsShared { get; }

    /// <summary>The actor's own parameters for its optimizer: without the encoder when it is shared (LeRobot's get_optim_params).</summary>
    public IReadOnlyList<Parameter> OptimParameters() =>
        named_parameters().Where(p => !EncoderIsShared || !p.name.StartsWith("encoder.", StringComparison.Ordinal))
            .Select(p => p.parameter).Where(p => p.requires_grad).ToList();

    /// <summary>Encodes the observation (detached when the encoder is shared) and samples.</summary>
    public (Tensor Action, Tensor LogProb, Tensor Mean) Forward(IReadOnlyDictionary<string, Tensor> observation, IReadOnlyDictionary<string, Tensor>? imageFeatures = null) =>
        Sample(_encoder.Forward(observation, imageFeatures, detach: EncoderIsShared));

    /// <summary>A reparameterized sample from an encoding, its log-probability (B) and the squashed mean.</summary>
    public (Tensor Action, Tensor LogProb, Tensor Mean) Sample(Tensor encoded)
    {
        var h = _network.forward(encoded);
        var mean = _meanLayer.forward(h);
        var std = torch.exp(_stdLayer.forward(h)).clamp(_stdMin, _stdMax);
        var noise = torch.randn_like(mean);
        var u = mean + std * noise;
        var gaussian = (-0.5 * noise.pow(2) - torch.log(std) - 0.5 * Math.Log(2 * Math.PI)).sum(-1);
        if (!_squash) return (u, gaussian, mean);
        var action = torch.tanh(u);
        // log(1 - tanh(u)^2) written stably as 2(log 2 - u - softplus(-2u)).
        var jacobian = (2 * (Math.Log(2) - u - nn.functional.softplus(-2 * u))).sum(-1);
        return (action, gaussian - jacobian, torch.tanh(mean));
    }

    /// <summary>The distribution's mode: tanh(mean) (the mean itself without squashing).</summary>
    public Tensor Deterministic(Tensor encoded)
    {
        var mean = _meanLayer.forward(_network.forward(encoded));
        return _squash ? torch.tanh(mean) : mean;
    }
}
