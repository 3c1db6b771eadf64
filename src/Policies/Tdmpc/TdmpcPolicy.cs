using RobotActors.Policies.Configs;
using RobotActors.Policies.Inference;
using RobotActors.Policies.Processors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tdmpc;

/// <summary>
/// TD-MPC (LeRobot's TDMPCPolicy: Hansen et al. 2022 with FOWM's V head and uncertainty penalty). select_action
/// encodes the observation, plans horizon actions with <see cref="TdmpcPlanner"/> (or takes π's action without
/// use_mpc), clamps them to [-1, 1] and queues either the first one n_action_repeats times or the first
/// n_action_steps. Training batches are windows: observations (B, horizon+1, ...), action (B, horizon, A) and
/// next.reward (B, horizon) with their *_is_pad masks; the loss is LeRobot's forward. model_target, an EMA of
/// model moved by <see cref="Update"/> after every optimizer step, gives the consistency and value targets.
/// </summary>
public sealed class TdmpcPolicy : PreTrainedPolicy
{
    private readonly TdmpcConfig _config;
    private readonly TdmpcModel _model;
    private readonly TdmpcModel _target;
    private readonly TdmpcPlanner _planner;
    private readonly ActionQueue _queue;
    private Tensor? _previousMean;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.
    protected override void RegisterComponents() { }

    public TdmpcPolicy(TdmpcConfig config, DatasetStats? datasetStats = null) : base(config)
    {
        config.ValidateFeatures();
        _config = config;
        _model = new TdmpcModel(config);
        _target = new TdmpcModel(config);
        register_module("model", _model);
        register_module("model_target", _target);
        using (torch.no_grad())
        {
            var source = _model.state_dict();
            foreach (var (name, tensor) in _target.state_dict()) tensor.copy_(source[name]);
        }
        foreach (var p in _target.parameters()) p.requires_grad = false;
        _planner = new TdmpcPlanner(config);
        _queue = new ActionQueue(Math.Max(config.NActionSteps, config.NActionRepeats));
    }

    public TdmpcModel Model => _model;
    public TdmpcModel TargetModel => _target;

    /// <summary>Clears the action queue and the planner's warm-start mean; call at every env reset.</summary>
    public override void Reset()
    {
        _queue.Clear();
        _previousMean?.Dispose();
        _previousMean = null;
    }

    /// <summary>The actions queued for the coming steps (B, n, A), or null when the next call plans again.</summary>
    public Tensor? QueuedActions => _queue.Peek();

    public override Tensor SelectAction(IReadOnlyDictionary<string, Tensor> batch)
    {
        eval();
        using var noGrad = torch.no_grad();
        if (_queue.IsEmpty)
        {
            using var scope = torch.NewDisposeScope();
            var chunk = PredictActionChunk(batch);                                   // (B, n, A)
            _queue.Extend(_config.NActionRepeats > 1
                ? chunk[.., ..1].expand(chunk.shape[0], _config.NActionRepeats, chunk.shape[2])
                : chunk[.., .._config.NActionSteps]);
        }
        return _queue.Pop();
    }

    /// <summary>
    /// The plan (B, horizon, A) for one observation (B, ...), or π's action (B, 1, A) without use_mpc, clamped to
    /// [-1, 1]. LeRobot returns it time-first; here it is batch-first like every policy's chunk. Planning moves the
    /// warm-start mean on.
    /// </summary>
    public override Tensor PredictActionChunk(IReadOnlyDictionary<string, Tensor> batch)
    {
        eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var z = _model.Encode(batch);
        Tensor actions;
        if (_config.UseMpc)
        {
            var (plan, mean) = _planner.Plan(_model, z, _previousMean);
            _previousMean?.Dispose();
            _previousMean = mean.DetachFromDisposeScope();
            actions = plan.transpose(0, 1);
        }
        else
        {
            actions = _model.Pi(z).unsqueeze(1);
        }
        return actions.clamp(-1, 1).MoveToOuterDisposeScope();
    }

    public override (Tensor Loss, Dictionary<string, double> Info) Forward(IReadOnlyDictionary<string, Tensor> batch) =>
        TdmpcLoss.Compute(_config, _model, _target, batch);

    /// <summary>model_target ← momentum · model_target + (1 − momentum) · model, parameter by parameter (LeRobot's update()).</summary>
    public override void Update()
    {
        using var noGrad = torch.no_grad();
        var alpha = _config.TargetModelMomentum;
        var online = _model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, target) in _target.named_parameters())
        {
            target.mul_(alpha);
            target.add_(online[name], alpha: 1 - alpha);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _queue.Dispose();
            _previousMean?.Dispose();
        }
        base.Dispose(disposing);
    }
}
