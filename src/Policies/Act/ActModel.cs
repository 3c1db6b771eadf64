using RobotActors.Policies.Configs;
using RobotActors.Policies.Networks;
using RobotActors.Policies.Networks.Transformer;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Act;

/// <summary>
/// The Action Chunking Transformer network (LeRobot's ACT module; its attribute names are the state-dict
/// names). During training a CVAE encoder reads [CLS, state, action chunk] and gives the latent's mean and
/// log-variance; the transformer encoder reads [latent, state, env state, camera feature-map pixels] and the
/// decoder turns chunk_size learned queries into actions. At inference the latent is zero.
/// </summary>
public sealed class ActModel : nn.Module
{
    private readonly ActConfig _config;
    private readonly IReadOnlyList<string> _cameras;
    private readonly Encoder? _vaeEncoder;
    private readonly Embedding? _vaeClsEmbed;
    private readonly Linear? _vaeStateProj;
    private readonly Linear? _vaeActionProj;
    private readonly Linear? _vaeLatentProj;
    private readonly Tensor? _vaePosEnc;
    private readonly ResNet? _backbone;
    private readonly Encoder _encoder;
    private readonly Decoder _decoder;
    private readonly Linear? _stateProj;
    private readonly Linear? _envStateProj;
    private readonly Linear _latentProj;
    private readonly Conv2d? _imageProj;
    private readonly Embedding _pos1d;
    private readonly Embedding _decoderPosEmbed;
    private readonly Linear _actionHead;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public ActModel(ActConfig config) : base("act")
    {
        _config = config;
        _cameras = config.ImageKeysInOrder;
        var d = config.DimModel;
        var state = config.RobotStateFeature?.Value;
        var env = config.EnvStateFeature?.Value;
        var actionDim = config.ActionFeature!.Shape[0];
        var transformer = config.Transformer;
        if (config.UseVae)
        {
            _vaeEncoder = new Encoder(transformer, config.NVaeEncoderLayers);
            _vaeClsEmbed = nn.Embedding(1, d);
            register_module("vae_encoder", _vaeEncoder);
            register_module("vae_encoder_cls_embed", _vaeClsEmbed);
            if (state is not null)
            {
                _vaeStateProj = nn.Linear(state.Shape[0], d);
                register_module("vae_encoder_robot_state_input_proj", _vaeStateProj);
            }
            _vaeActionProj = nn.Linear(actionDim, d);
            _vaeLatentProj = nn.Linear(d, config.LatentDim * 2);
            register_module("vae_encoder_action_input_proj", _vaeActionProj);
            register_module("vae_encoder_latent_output_proj", _vaeLatentProj);
            var tokens = 1 + config.ChunkSize + (state is not null ? 1 : 0);
            _vaePosEnc = SinusoidalPositionEmbeddings.OneD(tokens, d).unsqueeze(0);
            register_buffer("vae_encoder_pos_enc", _vaePosEnc);
        }
        if (_cameras.Count > 0)
        {
            _backbone = new ResNet(config.VisionBackbone, ResNetNorm.FrozenBatchNorm, ResNetLayout.Named,
                config.InputFeatures[_cameras[0]].Shape[0]);
            register_module("backbone", _backbone);
        }
        _encoder = new Encoder(transformer, config.NEncoderLayers);
        _decoder = new Decoder(transformer, config.NDecoderLayers);
        register_module("encoder", _encoder);
        register_module("decoder", _decoder);
        if (state is not null)
        {
            _stateProj = nn.Linear(state.Shape[0], d);
            register_module("encoder_robot_state_input_proj", _stateProj);
        }
        if (env is not null)
        {
            _envStateProj = nn.Linear(env.Shape[0], d);
            register_module("encoder_env_state_input_proj", _envStateProj);
        }
        _latentProj = nn.Linear(config.LatentDim, d);
        register_module("encoder_latent_input_proj", _latentProj);
        if (_backbone is not null)
        {
            _imageProj = nn.Conv2d(ResNet.OutputChannels, d, 1);
            register_module("encoder_img_feat_input_proj", _imageProj);
        }
        _pos1d = nn.Embedding(1 + (state is not null ? 1 : 0) + (env is not null ? 1 : 0), d);
        _decoderPosEmbed = nn.Embedding(config.ChunkSize, d);
        _actionHead = nn.Linear(d, actionDim);
        register_module("encoder_1d_feature_pos_embed", _pos1d);
        register_module("decoder_pos_embed", _decoderPosEmbed);
        register_module("action_head", _actionHead);

        // The original ACT initializes the transformer's matrices Xavier-uniform.
        using var noGrad = torch.no_grad();
        foreach (var p in _encoder.parameters().Concat(_decoder.parameters()))
            if (p.dim() > 1) nn.init.xavier_uniform_(p);
    }

    public ResNet? Backbone => _backbone;

    /// <summary>
    /// Actions (B, chunk_size, action_dim) and, when the CVAE encoder ran (training with "action" in the
    /// batch), the latent's mean and 2·log σ, each (B, latent_dim).
    /// </summary>
    public (Tensor Actions, Tensor? Mu, Tensor? LogSigmaX2) forward(IReadOnlyDictionary<string, Tensor> batch)
    {
        using var scope = torch.NewDisposeScope();
        var reference = _cameras.Count > 0 ? batch[_cameras[0]]
            : batch.TryGetValue(PolicyKeys.ObservationEnvironmentState, out var envBatch) ? envBatch
            : batch[PolicyKeys.ObservationState];
        var b = reference.shape[0];
        var device = reference.device;
        var hasState = _stateProj is not null;

        Tensor latent;
        Tensor? mu = null, logSigmaX2 = null;
        if (_vaeEncoder is not null && training && batch.ContainsKey(PolicyKeys.Action))
        {
            var tokens = new List<Tensor> { _vaeClsEmbed!.weight!.unsqueeze(0).expand(b, 1, -1) };
            if (hasState) tokens.Add(_vaeStateProj!.forward(batch[PolicyKeys.ObservationState]).unsqueeze(1));
            tokens.Add(_vaeActionProj!.forward(batch[PolicyKeys.Action]));
            var input = torch.cat(tokens, 1);                                     // (B, S, D)
            var actionPad = batch.TryGetValue(PolicyKeys.Action + "_is_pad", out var pad)
                ? pad.to(ScalarType.Bool)
                : torch.zeros(b, _config.ChunkSize, dtype: ScalarType.Bool, device: device);
            var mask = torch.cat([torch.zeros(b, hasState ? 2 : 1, dtype: ScalarType.Bool, device: device), actionPad], 1);
            var cls = _vaeEncoder.forward(input.permute(1, 0, 2), _vaePosEnc!.permute(1, 0, 2), mask)[0];
            var parameters = _vaeLatentProj!.forward(cls);
            mu = parameters[.., .._config.LatentDim];
            logSigmaX2 = parameters[.., _config.LatentDim..];
            latent = mu + (logSigmaX2 / 2).exp() * torch.randn_like(mu);
        }
        else
        {
            latent = torch.zeros(b, _config.LatentDim, dtype: float32, device: device);
        }

        var encoderTokens = new List<Tensor> { _latentProj.forward(latent).unsqueeze(0) };
        var positions = new List<Tensor> { _pos1d.weight!.unsqueeze(1) };       // (n1d, 1, D)
        if (hasState) encoderTokens.Add(_stateProj!.forward(batch[PolicyKeys.ObservationState]).unsqueeze(0));
        if (_envStateProj is not null) encoderTokens.Add(_envStateProj.forward(batch[PolicyKeys.ObservationEnvironmentState]).unsqueeze(0));
        foreach (var camera in _cameras)
        {
            var features = _backbone!.forward(batch[camera]);                  // (B, 512, h, w)
            var pos = SinusoidalPositionEmbeddings.TwoD(features, (int)(_config.DimModel / 2));
            var projected = _imageProj!.forward(features);                      // (B, D, h, w)
            encoderTokens.Add(projected.flatten(2).permute(2, 0, 1));          // (h·w, B, D)
            positions.Add(pos.flatten(2).permute(2, 0, 1));                     // (h·w, 1, D)
        }
        var encoderIn = torch.cat(encoderTokens, 0);
        var encoderPos = torch.cat(positions, 0);
        var encoderOut = _encoder.forward(encoderIn, encoderPos);
        var decoderIn = torch.zeros(_config.ChunkSize, b, _config.DimModel, dtype: encoderPos.dtype, device: device);
        var decoderOut = _decoder.forward(decoderIn, encoderOut, _decoderPosEmbed.weight!.unsqueeze(1), encoderPos);
        var actions = _actionHead.forward(decoderOut.transpose(0, 1));
        return (actions.MoveToOuterDisposeScope(), mu?.MoveToOuterDisposeScope(), logSigmaX2?.MoveToOuterDisposeScope());
    }
}
