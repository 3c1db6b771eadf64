using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.GaussianActor;

/// <summary>
/// LeRobot's DiscreteCritic: Q-values of the gripper's discrete actions from the encoded observation alone.
/// Keys: net.net.*, output_layer.* (orthogonal weight init, as LeRobot without init_final), and encoder.*
/// when this critic owns the encoder it reads (not when the encoder is shared and saved under actor.encoder).
/// </summary>
public sealed class DiscreteCritic : NamedModule
{
    private readonly GaussianActorObservationEncoder _encoder;
    private readonly Mlp _net;
    private readonly Linear _outputLayer;

    public DiscreteCritic(GaussianActorObservationEncoder encoder, bool registerEncoder, int actions, CriticNetworkConfig kwargs) : base("discrete_critic")
    {
        _encoder = encoder;
        _net = new Mlp(encoder.OutputDim, kwargs.HiddenDims, kwargs.ActivateFinal, kwargs.FinalActivation);
        _outputLayer = nn.Linear(_net.OutputDim, actions);
        using (torch.no_grad()) nn.init.orthogonal_(_outputLayer.weight!, 1.0);
        if (registerEncoder) register_module("encoder", _encoder);
        register_module("net", _net);
        register_module("output_layer", _outputLayer);
    }

    public GaussianActorObservationEncoder Encoder => _encoder;

    /// <summary>The parameters its optimizer steps. As in LeRobot they include the (trainable part of the) encoder it reads.</summary>
    public IReadOnlyList<Parameter> OptimParameters() =>
        _encoder.parameters().Concat(parameters()).DistinctBy(p => p.Handle).Where(p => p.requires_grad).ToList();

    /// <summary>The MLP and output layer, without the encoder: what a target critic mirrors.</summary>
    public IEnumerable<Parameter> HeadParameters() => _net.parameters().Concat(_outputLayer.parameters());

    public Tensor Forward(IReadOnlyDictionary<string, Tensor> observation, IReadOnlyDictionary<string, Tensor>? imageFeatures = null) =>
        Head(_encoder.Forward(observation, imageFeatures));

    /// <summary>Q-values from an encoding already computed.</summary>
    public Tensor Head(Tensor encoded) => _outputLayer.forward(_net.forward(encoded));
}
