using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Inference;
using RobotActors.Policies.Processors;
using RobotActors.Policies.Rtc;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policy.DitFlow;

/// <summary>
/// The dit_flow policy (found by convention: DitFlowConfig → DitFlowPolicy). Flow matching with a straight path
/// (rectified flow): x_τ = τ·a + (1 − τ)·ε from noise ε at τ = 0 to the action chunk a at τ = 1, whose velocity
/// a − ε the network learns to predict; a chunk is sampled by Euler steps from noise. select_action executes
/// n_action_steps of each chunk from a queue. With rtc_config.enabled it predicts the next chunk once n_action_steps
/// have run, guided toward the rest of the current one, and replaces the queue with it (nothing executes while a
/// synchronous call computes, so the delay is 0 there; runners that compute chunks in the background pass theirs to
/// <see cref="PredictActionChunk(IReadOnlyDictionary{string, Tensor}, int, Tensor?, Tensor?)"/>).
/// </summary>
public sealed class DitFlowPolicy : PreTrainedPolicy, IRealTimeChunkingPolicy
{
    private readonly DitFlowConfig _config;
    private readonly DitFlowModel _model;
    private readonly ActionQueue _queue;
    private readonly RtcActionQueue _rtcQueue = new(rtcEnabled: true);
    private readonly RtcGuidance _guidance;
    private readonly ObservationHistory _history;
    private readonly long _actionDim;

    // The model is registered as "model" only; TorchSharp must not add the C# field names too.
    protected override void RegisterComponents() { }

    public DitFlowPolicy(DitFlowConfig config, DatasetStats? datasetStats = null) : base(config)
    {
        config.ValidateFeatures();
        _config = config;
        _actionDim = config.ActionFeature!.Shape[0];
        _model = new DitFlowModel(config);
        register_module("model", _model);
        _queue = new ActionQueue(config.NActionSteps);
        _guidance = new RtcGuidance(config.RtcConfig);
        var keys = new List<string>();
        if (config.RobotStateFeature is not null) keys.Add(PolicyKeys.ObservationState);
        if (config.EnvStateFeature is { } env) keys.Add(env.Key);
        keys.AddRange(config.ImageKeysInOrder);
        _history = new ObservationHistory(config.NObsSteps, keys);
    }

    public DitFlowModel Model => _model;

    public RtcConfig RtcConfig => _config.RtcConfig;

    public int ChunkSize => _config.ChunkSize;

    public override void LoadPretrainedBackbones()
    {
        if (_config.PretrainedBackboneWeights is not { } path) return;
        foreach (var encoder in _model.ImageEncoders) encoder.ResNetBackbone?.LoadTorchvisionWeights(path);
    }

    public override void Reset()
    {
        _queue.Clear();
        _rtcQueue.Clear();
        _history.Clear();
    }

    public override Tensor SelectAction(IReadOnlyDictionary<string, Tensor> batch)
    {
        eval();
        using var noGrad = torch.no_grad();
        _history.Push(batch);
        if (!RtcConfig.Enabled)
        {
            if (_queue.IsEmpty)
            {
                using var scope = torch.NewDisposeScope();
                _queue.Extend(Sample(HistoryObservation(), null, 0, null)[.., .._config.NActionSteps]);
            }
            return _queue.Pop();
        }
        if (_rtcQueue.IsEmpty || _rtcQueue.ActionIndex >= _config.NActionSteps)
        {
            using var scope = torch.NewDisposeScope();
            var leftover = _rtcQueue.LeftOver();
            _rtcQueue.Merge(Sample(HistoryObservation(), leftover, 0, null), null, delay: 0);
        }
        return _rtcQueue.Pop()!;
    }

    /// <summary>The actions queued for the coming steps (B, n, A), or null when the next call predicts a new chunk.</summary>
    public Tensor? QueuedActions => RtcConfig.Enabled ? _rtcQueue.LeftOver() : _queue.Peek();

    /// <summary>A full chunk (B, chunk_size, A), not guided.</summary>
    public override Tensor PredictActionChunk(IReadOnlyDictionary<string, Tensor> batch) => PredictActionChunk(batch, 0, null);

    /// <summary>
    /// A full chunk (B, chunk_size, A). A batch of windows ((B, n_obs_steps, ...) per key) is used as it is; a single
    /// observation joins the policy's observation history first, as in select_action.
    /// </summary>
    public Tensor PredictActionChunk(IReadOnlyDictionary<string, Tensor> batch, int inferenceDelay, Tensor? previousLeftover, Tensor? noise = null)
    {
        eval();
        using var noGrad = torch.no_grad();
        if (IsWindow(batch)) return Sample(Window(batch), previousLeftover, inferenceDelay, noise);
        _history.Push(batch);
        return Sample(HistoryObservation(), previousLeftover, inferenceDelay, noise);
    }

    public override (Tensor Loss, Dictionary<string, double> Info) Forward(IReadOnlyDictionary<string, Tensor> batch)
    {
        using var scope = torch.NewDisposeScope();
        var actions = batch[PolicyKeys.Action];
        if (actions.dim() == 2) actions = actions.unsqueeze(1);
        if (actions.shape[1] != _config.ChunkSize)
            throw new ArgumentException($"the action chunk has {actions.shape[1]} steps but chunk_size={_config.ChunkSize}; read actions with the policy's action_delta_indices");
        var b = actions.shape[0];
        var tokens = _model.EncodeObservation(Window(batch));
        var noise = torch.randn_like(actions);
        var tau = SampleTime(b, actions.device).to(actions.dtype);
        var t = tau.reshape(b, 1, 1);
        var noisy = t * actions + (1 - t) * noise;
        var velocity = _model.Velocity(noisy, tau, tokens);
        var loss = (velocity - (actions - noise)).pow(2);
        var info = new Dictionary<string, double>();
        if (_config.DoMaskLossForPadding && batch.TryGetValue(PolicyKeys.Action + PolicyKeys.PadSuffix, out var pad))
        {
            var valid = (~pad.to(ScalarType.Bool)).unsqueeze(-1).to(loss.dtype);
            info["padded_fraction"] = 1 - valid.mean().item<float>();
            var mean = (loss * valid).sum() / (valid.sum() * loss.shape[^1]).clamp_min(1);
            return (mean.MoveToOuterDisposeScope(), info);
        }
        return (loss.mean().MoveToOuterDisposeScope(), info);
    }

    /// <summary>
    /// Flow times for training, τ = 1 − (s·scale + offset) with s ~ Beta(α, β) or U(0, 1): π0 draws its noise level
    /// s this way (1 is pure noise there), so the beta default favours the noisier half, where sampling starts.
    /// </summary>
    private Tensor SampleTime(long batch, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var s = _config.TimeSampling == "beta"
            ? torch.distributions.Beta(torch.tensor(_config.TimeSamplingBetaAlpha), torch.tensor(_config.TimeSamplingBetaBeta)).sample(batch)
            : torch.rand(batch, dtype: float64);
        var tau = 1 - (s * _config.TimeSamplingScale + _config.TimeSamplingOffset);
        return tau.to(float32).to(device).MoveToOuterDisposeScope();
    }

    private Tensor Sample(DitFlowObservation obs, Tensor? previousLeftover, int inferenceDelay, Tensor? noise)
    {
        using var scope = torch.NewDisposeScope();
        var tokens = _model.EncodeObservation(obs);
        var b = tokens.shape[0];
        noise ??= torch.randn([b, _config.ChunkSize, _actionDim], dtype: tokens.dtype, device: tokens.device);
        var guidance = RtcConfig.Enabled && previousLeftover is not null ? _guidance : null;
        var chunk = RtcEulerSampler.Sample(
            (x, tau) => _model.Velocity(x, torch.full(b, tau, dtype: x.dtype, device: x.device), tokens),
            noise, _config.NumInferenceSteps, guidance, previousLeftover?.to(tokens.dtype), inferenceDelay);
        return chunk.MoveToOuterDisposeScope();
    }

    // A training batch or a window batch holds (B, T, ...) per key; an observation from the robot holds (B, ...).
    private bool IsWindow(IReadOnlyDictionary<string, Tensor> batch)
    {
        var (key, feature) = _config.InputFeatures.First(kv => batch.ContainsKey(kv.Key));
        return batch[key].dim() == feature.Shape.Length + 2;
    }

    private DitFlowObservation Window(IReadOnlyDictionary<string, Tensor> batch)
    {
        Tensor Steps(string key, int itemDims)
        {
            if (!batch.TryGetValue(key, out var t))
                throw new KeyNotFoundException($"dit_flow: the batch lacks '{key}', an input feature of this policy");
            return t.dim() == itemDims + 1 ? t.unsqueeze(1) : t;
        }
        return new DitFlowObservation(
            _config.RobotStateFeature is null ? null : Steps(PolicyKeys.ObservationState, 1),
            _config.ImageKeysInOrder.Select(k => Steps(k, 3)).ToList(),
            _config.EnvStateFeature is { } env ? Steps(env.Key, 1) : null);
    }

    private DitFlowObservation HistoryObservation() => new(
        _config.RobotStateFeature is null ? null : _history.Stacked(PolicyKeys.ObservationState),
        _config.ImageKeysInOrder.Select(_history.Stacked).ToList(),
        _config.EnvStateFeature is { } env ? _history.Stacked(env.Key) : null);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _queue.Dispose();
            _rtcQueue.Dispose();
            _history.Dispose();
        }
        base.Dispose(disposing);
    }
}
