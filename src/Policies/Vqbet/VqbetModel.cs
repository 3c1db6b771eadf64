using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Vqbet;

/// <summary>
/// VQ-BeT's network (LeRobot's VQBeTModel; its attribute names are the state-dict names). Per observation step the
/// GPT reads three tokens, [camera features, state, action query] (projected to gpt_input_dim), then
/// n_action_pred_token - 1 more action queries for the future; the BeT head turns the GPT output at every query into
/// an action chunk. Query t predicts the chunk that starts t steps after the window's first step
/// ("select_target_actions_indices"); at rollout only the current step's chunk is used.
/// </summary>
public sealed class VqbetModel : NamedModule
{
    private readonly VqbetConfig _config;
    private readonly VqbetRgbEncoder _rgbEncoder;
    private readonly Parameter _actionToken;
    private readonly Sequential _stateProjector, _rgbFeatureProjector;
    private readonly Gpt _policy;
    private readonly VqbetHead _actionHead;
    private readonly Tensor _targetIndices;

    public VqbetModel(VqbetConfig config) : base("vqbet")
    {
        _config = config;
        _rgbEncoder = new VqbetRgbEncoder(config);
        // One learned query token, repeated wherever an action is asked for (the authors found it better than one per position).
        _actionToken = new Parameter(torch.randn(1, 1, config.GptInputDim));
        _stateProjector = VqbetMlp.Make(config.RobotStateFeature!.Value.Value.Shape[0], config.GptInputDim);
        _rgbFeatureProjector = VqbetMlp.Make(_rgbEncoder.FeatureDim, config.GptInputDim);
        _policy = new Gpt(config);
        _actionHead = new VqbetHead(config);
        var rows = Enumerable.Range(0, config.QueryTokens).Select(i => torch.arange(i, i + config.ActionChunkSize, dtype: ScalarType.Int64)).ToArray();
        _targetIndices = torch.stack(rows);
        register_module("rgb_encoder", _rgbEncoder);
        register_parameter("action_token", _actionToken);
        register_module("state_projector", _stateProjector);
        register_module("rgb_feature_projector", _rgbFeatureProjector);
        register_module("policy", _policy);
        register_module("action_head", _actionHead);
        register_buffer("select_target_actions_indices", _targetIndices);
    }

    public VqbetRgbEncoder RgbEncoder => _rgbEncoder;
    public Gpt Policy => _policy;
    public VqbetHead ActionHead => _actionHead;
    public Parameter ActionToken => _actionToken;
    public IEnumerable<Parameter> ProjectorParameters => _stateProjector.parameters().Concat(_rgbFeatureProjector.parameters());

    /// <summary>The head's prediction for every query token from a window: state (B, T, D), images (B, T, C, H, W).</summary>
    public VqbetHeadOutput Predict(Tensor state, Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var (b, n) = (state.shape[0], state.shape[1]);
        if (n != _config.NObsSteps)
            throw new ArgumentException($"the observation window has {n} steps but n_obs_steps={_config.NObsSteps}");
        var features = _rgbEncoder.forward(images.reshape([b * n, .. images.shape.Skip(2)])).reshape(b, n, -1);
        var rgbTokens = _rgbFeatureProjector.forward(features);                              // (B, n, d)
        var stateTokens = _stateProjector.forward(state);                                    // (B, n, d)
        var queries = _actionToken.expand(b, n, -1);
        var perStep = torch.stack([rgbTokens, stateTokens, queries], 2).reshape(b, n * 3, -1);
        var future = _config.NActionPredToken - 1;
        var tokens = future > 0 ? torch.cat([perStep, _actionToken.expand(b, future, -1)], 1) : perStep;
        var output = _policy.forward(tokens);
        // The outputs at the query tokens: position 3k + 2 of each step, then the future queries at the end.
        var historical = torch.arange(n, dtype: ScalarType.Int64) * 3 + 2;
        var atQueries = output.index_select(1, historical);
        if (future > 0) atQueries = torch.cat([atQueries, output[.., ^future..]], 1);
        var prediction = _actionHead.Forward(atQueries);
        return new VqbetHeadOutput(prediction.CodeLogits.MoveToOuterDisposeScope(), prediction.PredictedAction.MoveToOuterDisposeScope(),
            prediction.SampledCodes.MoveToOuterDisposeScope(), prediction.DecodedAction.MoveToOuterDisposeScope());
    }

    /// <summary>The current step's chunk (B, action_chunk_size, A).</summary>
    public Tensor Rollout(Tensor state, Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var predicted = Predict(state, images).PredictedAction;                             // (B, T, chunk·A)
        return predicted[.., _config.NObsSteps - 1].reshape(state.shape[0], _config.ActionChunkSize, -1).MoveToOuterDisposeScope();
    }

    /// <summary>The GPT-phase loss against the window's actions (B, n_obs + p + chunk - 2, A).</summary>
    public (Tensor Loss, Dictionary<string, double> Info) Loss(Tensor state, Tensor images, Tensor actions)
    {
        using var scope = torch.NewDisposeScope();
        var expected = _config.ActionDeltaIndices!.Count;
        if (actions.shape[1] != expected)
            throw new ArgumentException($"the action window has {actions.shape[1]} steps but VQ-BeT needs {expected} (n_obs_steps + n_action_pred_token + action_chunk_size - 2); read actions with the policy's action_delta_indices");
        var prediction = Predict(state, images);
        var target = actions.index_select(1, _targetIndices.flatten()).reshape(actions.shape[0], _config.QueryTokens, _config.ActionChunkSize, -1);
        var (loss, info) = _actionHead.Loss(prediction, target);
        return (loss.MoveToOuterDisposeScope(), info);
    }
}
