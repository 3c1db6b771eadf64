using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policy.DitFlow;

/// <summary>
/// The velocity network v(x_τ, τ, o). Observation tokens (state, environment state and one per camera, for each of
/// the n_obs_steps) and the noisy action chunk's tokens form one sequence for the DiT blocks' self-attention; the
/// blocks are modulated (adaLN-Zero) by the flow time's embedding plus the mean observation token. The output head
/// reads the action tokens back to actions. Observation tokens are computed once per chunk and reused at every
/// integration step.
/// </summary>
public sealed class DitFlowModel : NamedModule
{
    private readonly DitFlowConfig _config;
    private readonly Linear? _stateProj;
    private readonly Linear? _envProj;
    private readonly ModuleList<DitFlowImageEncoder> _imageEncoders = new();
    private readonly Parameter _obsPosEmbed;
    private readonly Linear _actionIn;
    private readonly Parameter _actionPosEmbed;
    private readonly Sequential _timeMlp;
    private readonly ModuleList<DitBlock> _blocks = new();
    private readonly LayerNorm _finalNorm;
    private readonly Sequential _finalAdaLn;
    private readonly Linear _actionOut;
    private readonly long _tokensPerStep;

    public DitFlowModel(DitFlowConfig config) : base("model")
    {
        _config = config;
        long d = config.HiddenDim;
        var actionDim = config.ActionFeature!.Shape[0];
        if (config.RobotStateFeature is { } state)
        {
            _stateProj = nn.Linear(state.Value.Shape[0], d);
            register_module("state_proj", _stateProj);
            _tokensPerStep++;
        }
        if (config.EnvStateFeature is { } env)
        {
            _envProj = nn.Linear(env.Value.Shape[0], d);
            register_module("env_state_proj", _envProj);
            _tokensPerStep++;
        }
        foreach (var key in config.ImageKeysInOrder)
        {
            _imageEncoders.Add(new DitFlowImageEncoder(config, config.InputFeatures[key].Shape));
            _tokensPerStep++;
        }
        if (_imageEncoders.Count > 0) register_module("image_encoders", _imageEncoders);
        _obsPosEmbed = nn.Parameter(torch.randn(1, _tokensPerStep * config.NObsSteps, d) * 0.02);
        register_parameter("obs_pos_embed", _obsPosEmbed);
        _actionIn = nn.Linear(actionDim, d);
        register_module("action_in", _actionIn);
        _actionPosEmbed = nn.Parameter(torch.randn(1, config.ChunkSize, d) * 0.02);
        register_parameter("action_pos_embed", _actionPosEmbed);
        _timeMlp = nn.Sequential(nn.Linear(d, d), nn.SiLU(), nn.Linear(d, d));
        register_module("time_mlp", _timeMlp);
        for (var i = 0; i < config.NumLayers; i++) _blocks.Add(new DitBlock(d, config.NumHeads, config.MlpRatio, config.Dropout));
        register_module("blocks", _blocks);
        _finalNorm = nn.LayerNorm(d, eps: 1e-6, elementwise_affine: false);
        register_module("final_norm", _finalNorm);
        var finalModulation = nn.Linear(d, 2 * d);
        _actionOut = nn.Linear(d, actionDim);
        using (torch.no_grad())
        {
            // adaLN-Zero: the head starts at zero velocity, and its modulation at none.
            finalModulation.weight!.zero_();
            finalModulation.bias!.zero_();
            _actionOut.weight!.zero_();
            _actionOut.bias!.zero_();
        }
        _finalAdaLn = nn.Sequential(nn.SiLU(), finalModulation);
        register_module("final_adaLN_modulation", _finalAdaLn);
        register_module("action_out", _actionOut);
    }

    public IEnumerable<DitFlowImageEncoder> ImageEncoders => _imageEncoders;

    /// <summary>The observation's tokens, (B, n_obs_steps · tokens_per_step, D), position embeddings added.</summary>
    public Tensor EncodeObservation(DitFlowObservation obs)
    {
        using var scope = torch.NewDisposeScope();
        var (b, t) = (obs.BatchSize, obs.Steps);
        if (t != _config.NObsSteps)
            throw new ArgumentException($"the observation window has {t} steps but n_obs_steps={_config.NObsSteps}");
        var perStep = new List<Tensor>();
        if (_stateProj is not null) perStep.Add(_stateProj.forward(obs.State!));
        if (_envProj is not null) perStep.Add(_envProj.forward(obs.EnvState!));
        for (var i = 0; i < _imageEncoders.Count; i++)
        {
            var images = obs.Cameras[i];
            perStep.Add(_imageEncoders[i].forward(images.reshape([b * t, .. images.shape.Skip(2)])).reshape(b, t, -1));
        }
        // (B, T, tokens_per_step, D) → (B, T · tokens_per_step, D), step-major.
        var tokens = torch.stack(perStep, 2).reshape(b, t * _tokensPerStep, -1);
        return (tokens + _obsPosEmbed).MoveToOuterDisposeScope();
    }

    /// <summary>The velocity toward the data for noisy chunks (B, chunk, A) at flow times τ (B,) in [0, 1].</summary>
    public Tensor Velocity(Tensor noisyActions, Tensor tau, Tensor obsTokens)
    {
        using var scope = torch.NewDisposeScope();
        var c = TimeEmbedding(tau, _config.HiddenDim);
        c = _timeMlp.forward(c) + obsTokens.mean([1]);
        var actions = _actionIn.forward(noisyActions) + _actionPosEmbed;
        var x = torch.cat([obsTokens, actions], 1);
        foreach (var block in _blocks) x = block.forward(x, c);
        var m = _finalAdaLn.forward(c).unsqueeze(1).chunk(2, -1);
        var h = DitBlock.Modulate(_finalNorm.forward(x[.., (int)obsTokens.shape[1]..]), m[0], m[1]);
        return _actionOut.forward(h).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Sinusoidal embedding of τ·1000 (DiT's timestep embedding over the diffusion step range): half cosines, half
    /// sines at frequencies 10000^(−i/(D/2)).
    /// </summary>
    public static Tensor TimeEmbedding(Tensor tau, long dim)
    {
        using var scope = torch.NewDisposeScope();
        var half = dim / 2;
        var freqs = torch.exp(-Math.Log(10000) * torch.arange(half, dtype: float32, device: tau.device) / half);
        var args = (tau.to(float32) * 1000).unsqueeze(1) * freqs.unsqueeze(0);
        return torch.cat([torch.cos(args), torch.sin(args)], -1).to(tau.dtype).MoveToOuterDisposeScope();
    }
}
