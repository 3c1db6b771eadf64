using RobotActors.Policies.Configs;
using RobotActors.Policies.Inference;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Diffusion;

/// <summary>
/// Diffusion Policy (LeRobot's DiffusionPolicy, Chi et al. 2023). Training batches carry n_obs_steps
/// observations per key, (B, T, ...), and horizon actions, (B, horizon, A). At run time the policy keeps the
/// last n_obs_steps observations itself (the first one fills the history), samples a trajectory when its
/// action queue is empty and executes n_action_steps of it starting at the current step.
/// </summary>
public sealed class DiffusionPolicy : PreTrainedPolicy
{
    private readonly DiffusionConfig _config;
    private readonly DiffusionModel _diffusion;
    private readonly IReadOnlyList<string> _cameras;
    private readonly ActionQueue _queue;
    private readonly ObservationHistory _history;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public DiffusionPolicy(DiffusionConfig config, DatasetStats? datasetStats = null) : base(config)
    {
        config.ValidateFeatures();
        _config = config;
        _cameras = config.ImageKeysInOrder;
        _diffusion = new DiffusionModel(config);
        register_module("diffusion", _diffusion);
        _queue = new ActionQueue(config.NActionSteps);
        var keys = new List<string> { PolicyKeys.ObservationState };
        keys.AddRange(_cameras);
        if (config.EnvStateFeature is not null) keys.Add(PolicyKeys.ObservationEnvironmentState);
        _history = new ObservationHistory(config.NObsSteps, keys);
    }

    public DiffusionModel Model => _diffusion;

    public override void LoadPretrainedBackbones()
    {
        if (!Act.ActConfig.IsWeightsFile(_config.PretrainedBackboneWeights)) return;
        foreach (var encoder in _diffusion.Encoders) encoder.Backbone.LoadTorchvisionWeights(_config.PretrainedBackboneWeights!);
    }

    public override void Reset()
    {
        _queue.Clear();
        _history.Clear();
    }

    public override Tensor SelectAction(IReadOnlyDictionary<string, Tensor> batch)
    {
        eval();
        using var noGrad = torch.no_grad();
        _history.Push(batch);
        if (_queue.IsEmpty)
        {
            using var scope = torch.NewDisposeScope();
            _queue.Extend(_diffusion.GenerateActions(HistoryWindow()));
        }
        return _queue.Pop();
    }

    /// <summary>
    /// n_action_steps actions (B, n, A). A batch of windows (state (B, T, D)) is used as it is; a single
    /// observation (state (B, D)) joins the policy's observation history first, as in <see cref="SelectAction"/>.
    /// </summary>
    public override Tensor PredictActionChunk(IReadOnlyDictionary<string, Tensor> batch)
    {
        eval();
        using var noGrad = torch.no_grad();
        if (batch[PolicyKeys.ObservationState].dim() == 3) return _diffusion.GenerateActions(Window(batch));
        _history.Push(batch);
        return _diffusion.GenerateActions(HistoryWindow());
    }

    /// <summary>The actions queued for the coming steps (B, n, A), or null when the next call samples a new trajectory.</summary>
    public Tensor? QueuedActions => _queue.Peek();

    public override (Tensor Loss, Dictionary<string, double> Info) Forward(IReadOnlyDictionary<string, Tensor> batch)
    {
        var action = batch[PolicyKeys.Action];
        var pad = batch.GetValueOrDefault(PolicyKeys.Action + PolicyKeys.PadSuffix);
        return (_diffusion.ComputeLoss(Window(batch), action, pad), new Dictionary<string, double>());
    }

    // Training batches hold windows; a (B, D) state or (B, C, H, W) image is a window of one step.
    private ObservationWindow Window(IReadOnlyDictionary<string, Tensor> batch)
    {
        Tensor Steps(Tensor t, int itemDims) => t.dim() == itemDims + 1 ? t.unsqueeze(1) : t;
        return new ObservationWindow(
            Steps(batch[PolicyKeys.ObservationState], 1),
            _cameras.Select(c => Steps(batch[c], 3)).ToList(),
            _config.EnvStateFeature is null ? null : Steps(batch[PolicyKeys.ObservationEnvironmentState], 1));
    }

    private ObservationWindow HistoryWindow() => new(
        _history.Stacked(PolicyKeys.ObservationState),
        _cameras.Select(_history.Stacked).ToList(),
        _config.EnvStateFeature is null ? null : _history.Stacked(PolicyKeys.ObservationEnvironmentState));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _queue.Dispose();
            _history.Dispose();
        }
        base.Dispose(disposing);
    }
}
