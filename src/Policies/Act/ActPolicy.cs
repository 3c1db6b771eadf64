using RobotActors.Policies.Configs;
using RobotActors.Policies.Inference;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Processors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Act;

/// <summary>
/// Action Chunking Transformer policy (LeRobot's ACTPolicy): predicts chunk_size actions per call, executes
/// n_action_steps of them from a queue (or, with temporal_ensemble_coeff, ensembles a fresh chunk every step),
/// and trains on an L1 loss over the non-padded actions plus kl_weight times the CVAE's KL divergence.
/// Batches are normalized by the preprocessor; "action" is (B, chunk_size, A) with "action_is_pad" (B, chunk_size).
/// </summary>
public sealed class ActPolicy : PreTrainedPolicy
{
    public const string BackboneGroup = "backbone";
    private const string BackbonePrefix = "model.backbone";
    private readonly ActConfig _config;
    private readonly ActModel _model;
    private readonly ActionQueue _queue;
    private readonly ActTemporalEnsembler? _ensembler;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.

    protected override void RegisterComponents() { }


    public ActPolicy(ActConfig config, DatasetStats? datasetStats = null) : base(config)
    {
        config.ValidateFeatures();
        _config = config;
        _model = new ActModel(config);
        register_module("model", _model);
        _queue = new ActionQueue(config.NActionSteps);
        if (config.TemporalEnsembleCoeff is { } coeff) _ensembler = new ActTemporalEnsembler(coeff, config.ChunkSize);
    }

    public override void LoadPretrainedBackbones()
    {
        if (_model.Backbone is not null && ActConfig.IsWeightsFile(_config.PretrainedBackboneWeights))
            _model.Backbone.LoadTorchvisionWeights(_config.PretrainedBackboneWeights!);
    }

    /// <summary>Everything except the backbone at optimizer_lr, the backbone at optimizer_lr_backbone (LeRobot's two param groups).</summary>
    public override IReadOnlyDictionary<string, IReadOnlyList<Parameter>> GetOptimParams()
    {
        var named = named_parameters().Where(p => p.parameter.requires_grad).ToList();
        return new Dictionary<string, IReadOnlyList<Parameter>>
        {
            [OptimizerSet.Default] = named.Where(p => !p.name.StartsWith(BackbonePrefix, StringComparison.Ordinal)).Select(p => p.parameter).ToList(),
            [BackboneGroup] = named.Where(p => p.name.StartsWith(BackbonePrefix, StringComparison.Ordinal)).Select(p => p.parameter).ToList(),
        };
    }

    public override IReadOnlyDictionary<string, double> GetOptimGroupLearningRates() =>
        new Dictionary<string, double> { [BackboneGroup] = _config.OptimizerLrBackbone };

    public override void Reset()
    {
        _queue.Clear();
        _ensembler?.Reset();
    }

    public override Tensor SelectAction(IReadOnlyDictionary<string, Tensor> batch)
    {
        eval();
        using var noGrad = torch.no_grad();
        if (_ensembler is not null)
        {
            using var scope = torch.NewDisposeScope();
            return _ensembler.Update(PredictActionChunk(batch)).MoveToOuterDisposeScope();
        }
        if (_queue.IsEmpty)
        {
            using var scope = torch.NewDisposeScope();
            _queue.Extend(PredictActionChunk(batch)[.., .._config.NActionSteps]);
        }
        return _queue.Pop();
    }

    /// <summary>The actions queued for the coming steps (B, n, A), or null when the next call predicts a new chunk.</summary>
    public Tensor? QueuedActions => _queue.Peek();

    public override Tensor PredictActionChunk(IReadOnlyDictionary<string, Tensor> batch)
    {
        eval();
        using var noGrad = torch.no_grad();
        return _model.forward(batch).Actions;
    }

    public override (Tensor Loss, Dictionary<string, double> Info) Forward(IReadOnlyDictionary<string, Tensor> batch)
    {
        var (actions, mu, logSigmaX2) = _model.forward(batch);
        var target = batch[PolicyKeys.Action];
        var valid = batch.TryGetValue(PolicyKeys.Action + "_is_pad", out var pad)
            ? (~pad.to(ScalarType.Bool)).unsqueeze(-1).to(actions.dtype)
            : torch.ones_like(actions[.., .., ..1]);
        var l1 = ((target - actions).abs() * valid).mean();
        var info = new Dictionary<string, double> { ["l1_loss"] = l1.item<float>() };
        if (mu is null || logSigmaX2 is null) return (l1, info);
        // KL(q(z | state, actions) ‖ N(0, I)) summed over the latent, averaged over the batch.
        var kld = (-0.5 * (1 + logSigmaX2 - mu.pow(2) - logSigmaX2.exp())).sum(-1).mean();
        info["kld_loss"] = kld.item<float>();
        return (l1 + kld * _config.KlWeight, info);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _queue.Dispose();
            _ensembler?.Dispose();
        }
        base.Dispose(disposing);
    }
}
