using RobotActors.Policies.Configs;
using RobotActors.Policies.Inference;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Processors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Vqbet;

/// <summary>
/// VQ-BeT policy (LeRobot's VQBeTPolicy). Training has two phases, as LeRobot runs them: for the first
/// n_vqvae_training_steps forward trains only the residual VQ-VAE on the batch's action chunks (reconstruction +
/// commitment); then the VQ-VAE is frozen and forward trains the encoder, the GPT and the BeT head (focal code
/// losses + offset loss). Batches carry n_obs_steps observations per key and n_obs + n_action_pred_token +
/// action_chunk_size - 2 actions. At run time the policy keeps the last n_obs_steps observations itself and
/// executes all action_chunk_size actions of a chunk before predicting the next (LeRobot's VQ-BeT has no
/// n_action_steps: its queue is action_chunk_size long).
/// </summary>
public sealed class VqbetPolicy : PreTrainedPolicy
{
    public const string VqvaeGroup = "vqvae";
    public const string NoDecayGroup = "no_decay";
    private readonly VqbetConfig _config;
    private readonly VqbetModel _vqbet;
    private readonly string _camera;
    private readonly ActionQueue _queue;
    private readonly ObservationHistory _history;

    // Every submodule is registered under its LeRobot name; TorchSharp must not add the C# field names too.
    protected override void RegisterComponents() { }

    public VqbetPolicy(VqbetConfig config, DatasetStats? datasetStats = null) : base(config)
    {
        config.DropUnreadInputs();
        config.ValidateFeatures();
        _config = config;
        _camera = config.ImageKeysInOrder[0];
        _vqbet = new VqbetModel(config);
        register_module("vqbet", _vqbet);
        _queue = new ActionQueue(config.ActionChunkSize);
        _history = new ObservationHistory(config.NObsSteps, [PolicyKeys.ObservationState, _camera]);
    }

    public VqbetModel Model => _vqbet;

    private VqVae VqVae => _vqbet.ActionHead.VqVae;

    /// <summary>True once the VQ-VAE phase is over (the "discretized" buffer, saved with the weights).</summary>
    public bool Discretized => VqVae.Discretized;

    public override void LoadPretrainedBackbones()
    {
        if (Act.ActConfig.IsWeightsFile(_config.PretrainedBackboneWeights))
            _vqbet.RgbEncoder.Backbone.LoadTorchvisionWeights(_config.PretrainedBackboneWeights!);
    }

    /// <summary>
    /// LeRobot's three param groups: everything but the VQ-VAE that decays (GPT Linear weights, the encoder, the
    /// projectors, the query token, the heads), the VQ-VAE's encoder and decoder (optimizer_vqvae_lr,
    /// optimizer_vqvae_weight_decay), and the GPT's biases, layer norms and position embedding (no decay).
    /// </summary>
    public override IReadOnlyDictionary<string, IReadOnlyList<Parameter>> GetOptimParams()
    {
        var (decay, noDecay) = _vqbet.Policy.ConfigureParameters();
        decay.AddRange(_vqbet.RgbEncoder.parameters());
        decay.AddRange(_vqbet.ProjectorParameters);
        decay.Add(_vqbet.ActionToken);
        decay.AddRange(_vqbet.ActionHead.OffsetParameters);
        decay.AddRange(_vqbet.ActionHead.BinParameters);
        return new Dictionary<string, IReadOnlyList<Parameter>>
        {
            [OptimizerSet.Default] = decay,
            [VqvaeGroup] = VqVae.TrainedParameters.ToList(),
            [NoDecayGroup] = noDecay,
        };
    }

    public override IReadOnlyDictionary<string, double> GetOptimGroupLearningRates() =>
        new Dictionary<string, double> { [VqvaeGroup] = _config.OptimizerVqvaeLr };

    /// <summary>The Adam preset with LeRobot's per-group weight decay (other presets get the common one).</summary>
    public override OptimizerSet MakeOptimizers(OptimizerConfig preset)
    {
        if (preset.GetType() != typeof(AdamConfig)) return base.MakeOptimizers(preset);
        var adam = (AdamConfig)preset;
        var groups = GetOptimParams();
        var optimizer = new AdamOptimizer(
            [(groups[OptimizerSet.Default], adam.Lr), (groups[VqvaeGroup], _config.OptimizerVqvaeLr), (groups[NoDecayGroup], adam.Lr)],
            adam.Betas[0], adam.Betas[1], adam.Eps, adam.WeightDecay, decoupled: false, adam.GradClipNorm,
            groupWeightDecays: [adam.WeightDecay, _config.OptimizerVqvaeWeightDecay, 0.0]);
        return new OptimizerSet(new Dictionary<string, IPolicyOptimizer> { [OptimizerSet.Default] = optimizer });
    }

    public override Dictionary<string, double> TrainStep(Func<IReadOnlyDictionary<string, Tensor>> nextBatch, OptimizerSet optimizers, long step)
    {
        // LeRobot counts VQ-VAE steps in the model, which a resumed run loses; the trainer's step restores the count.
        if (!Discretized) VqVae.OptimizedSteps = Math.Max(VqVae.OptimizedSteps, step);
        return base.TrainStep(nextBatch, optimizers, step);
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
            _queue.Extend(_vqbet.Rollout(_history.Stacked(PolicyKeys.ObservationState), _history.Stacked(_camera)));
        }
        return _queue.Pop();
    }

    /// <summary>
    /// The current step's chunk (B, action_chunk_size, A). A batch of windows (state (B, T, D)) is used as it is; a
    /// single observation (state (B, D)) joins the policy's observation history first, as in <see cref="SelectAction"/>.
    /// </summary>
    public override Tensor PredictActionChunk(IReadOnlyDictionary<string, Tensor> batch)
    {
        eval();
        using var noGrad = torch.no_grad();
        if (batch[PolicyKeys.ObservationState].dim() == 3) return _vqbet.Rollout(batch[PolicyKeys.ObservationState], batch[_camera]);
        _history.Push(batch);
        return _vqbet.Rollout(_history.Stacked(PolicyKeys.ObservationState), _history.Stacked(_camera));
    }

    /// <summary>The actions queued for the coming steps (B, n, A), or null when the next call predicts a new chunk.</summary>
    public Tensor? QueuedActions => _queue.Peek();

    public override (Tensor Loss, Dictionary<string, double> Info) Forward(IReadOnlyDictionary<string, Tensor> batch)
    {
        var actions = batch[PolicyKeys.Action];
        if (!Discretized) return Discretize(actions);
        FreezeVqVae();
        return _vqbet.Loss(batch[PolicyKeys.ObservationState], batch[_camera], actions);
    }

    /// <summary>
    /// One VQ-VAE step on every action_chunk_size window of the batch's action sequences (LeRobot's discretize);
    /// after n_vqvae_training_steps of them the VQ-VAE is marked discretized and its codebooks stop moving.
    /// </summary>
    private (Tensor Loss, Dictionary<string, double> Info) Discretize(Tensor actions)
    {
        var chunk = _config.ActionChunkSize;
        var windows = Enumerable.Range(0, (int)actions.shape[1] + 1 - chunk).Select(j => actions[.., j..(j + chunk)]).ToArray();
        var (loss, codes, recon, _) = VqVae.TrainingLoss(torch.cat(windows, 0));
        var rows = codes.to(ScalarType.Int64).cpu().data<long>().ToArray();
        var layers = VqbetConfig.VqvaeNumLayers;
        var distinctCodes = Enumerable.Range(0, layers).Sum(g => rows.Where((_, i) => i % layers == g).Distinct().Count());
        var combinations = Enumerable.Range(0, rows.Length / layers).Select(i => (rows[i * layers], rows[i * layers + 1])).Distinct().Count();
        if (training && ++VqVae.OptimizedSteps >= _config.NVqvaeTrainingSteps)
        {
            VqVae.Discretized = true;
            VqVae.VqLayer.Frozen = true;
        }
        return (loss, new Dictionary<string, double>
        {
            ["n_different_codes"] = distinctCodes,
            ["n_different_combinations"] = combinations,
            ["recon_l1_error"] = recon,
        });
    }

    // In the GPT phase the VQ-VAE only labels and decodes chunks. PyTorch's zero_grad(set_to_none=True) leaves its
    // parameters without gradients, so Adam skips them; here their gradients are dropped and no new ones are made.
    private void FreezeVqVae()
    {
        foreach (var p in VqVae.TrainedParameters)
        {
            if (!p.requires_grad) continue;
            p.requires_grad = false;
        }
        VqVae.zero_grad();
    }

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
