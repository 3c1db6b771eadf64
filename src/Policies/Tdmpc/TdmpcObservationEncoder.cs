using RobotActors.Policies.Configs;
using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tdmpc;

/// <summary>
/// TD-MPC's observation encoder (LeRobot's TDMPCObservationEncoder; its attribute names are the state-dict names):
/// one latent per modality — the camera through four strided convolutions and a linear layer, the environment state
/// and the robot state through two-layer MLPs, each ending in LayerNorm and a sigmoid — averaged into one latent.
/// The convolutional stack and its head are one nn.Sequential ("image_enc_layers.0" … ".11"), as LeRobot extends it.
/// </summary>
public sealed class TdmpcObservationEncoder : NamedModule
{
    private readonly Sequential? _image;
    private readonly Sequential? _state;
    private readonly Sequential? _envState;
    private readonly string? _camera;

    public TdmpcObservationEncoder(TdmpcConfig config) : base("tdmpc_encoder")
    {
        var latent = config.LatentDim;
        _camera = config.CameraKey;
        if (_camera is not null)
        {
            var shape = config.InputFeatures[_camera].Shape;
            var hidden = config.ImageEncoderHiddenDim;
            // Output side of the four convolutions (no padding): floor((n - k) / s) + 1 each.
            long h = shape[1], w = shape[2];
            foreach (var k in new[] { 7, 5, 3, 3 })
            {
                h = (h - k) / 2 + 1;
                w = (w - k) / 2 + 1;
            }
            if (h < 1 || w < 1)
                throw new PolicyConfigException($"tdmpc: input_features.{_camera} [{string.Join(", ", shape)}] is too small for the image encoder's four strided convolutions; use images of at least 37×37");
            _image = nn.Sequential(
                nn.Conv2d(shape[0], hidden, 7, stride: 2), nn.ReLU(),
                nn.Conv2d(hidden, hidden, 5, stride: 2), nn.ReLU(),
                nn.Conv2d(hidden, hidden, 3, stride: 2), nn.ReLU(),
                nn.Conv2d(hidden, hidden, 3, stride: 2), nn.ReLU(),
                nn.Flatten(), nn.Linear(hidden * h * w, latent), nn.LayerNorm(latent), nn.Sigmoid());
            register_module("image_enc_layers", _image);
        }
        if (config.RobotStateFeature is { } state)
        {
            _state = StateMlp(state.Value.Shape[0], config.StateEncoderHiddenDim, latent);
            register_module("state_enc_layers", _state);
        }
        if (config.EnvStateFeature is { } env)
        {
            _envState = StateMlp(env.Value.Shape[0], config.StateEncoderHiddenDim, latent);
            register_module("env_state_enc_layers", _envState);
        }
    }

    private static Sequential StateMlp(long input, long hidden, long latent) =>
        nn.Sequential(nn.Linear(input, hidden), nn.ELU(), nn.Linear(hidden, latent), nn.LayerNorm(latent), nn.Sigmoid());

    /// <summary>
    /// The latent (*, latent_dim) of observations with any leading dimensions: the camera under its feature key
    /// (*, C, H, W), observation.environment_state and observation.state (*, D). Modalities are averaged in
    /// LeRobot's order: image, environment state, robot state.
    /// </summary>
    public Tensor forward(IReadOnlyDictionary<string, Tensor> observation)
    {
        var features = new List<Tensor>();
        if (_image is not null)
        {
            var image = observation[_camera!];
            if (image.dim() == 4) features.Add(_image.forward(image));
            else
            {
                var lead = image.shape[..^3];
                var flat = _image.forward(image.flatten(0, image.dim() - 4));
                features.Add(flat.reshape([.. lead, flat.shape[^1]]));
            }
        }
        if (_envState is not null) features.Add(_envState.forward(observation[PolicyKeys.ObservationEnvironmentState]));
        if (_state is not null) features.Add(_state.forward(observation[PolicyKeys.ObservationState]));
        return torch.stack(features, 0).mean([0]);
    }
}
