using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Processors;
using RobotActors.Policies.SafeTensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Sac;

/// <summary>
/// Soft Actor-Critic as HIL-SERL uses it: critic ensemble with Polyak targets, a double-DQN critic for the
/// gripper, a tanh-Gaussian actor and a learned temperature. Batches are normalized (actions in [-1, 1],
/// the gripper index last and left as is).
/// </summary>
public sealed class SacPolicy : PreTrainedPolicy
{
    private readonly SacConfig _config;
    private readonly SacObservationEncoder _encoderCritic;
    private readonly SacObservationEncoder _encoderActor;
    private readonly TanhGaussianActor _actor;
    private readonly CriticEnsemble _critic;
    private readonly CriticEnsemble _criticTarget;
    private readonly DiscreteCritic? _discrete;
    private readonly DiscreteCritic? _discreteTarget;
    private readonly Parameter _logAlpha;
    private readonly int _continuousDim;

    public SacPolicy(SacConfig config, DatasetStats? datasetStats = null) : base(config)
    {
        config.ValidateFeatures();
        _config = config;
        _continuousDim = config.ContinuousActionDim;
        _encoderCritic = new SacObservationEncoder(config);
        _encoderActor = config.SharedEncoder ? _encoderCritic : new SacObservationEncoder(config);
        if (config.SharedEncoder) register_module("encoder", _encoderCritic);
        else
        {
            register_module("encoder_critic", _encoderCritic);
            register_module("encoder_actor", _encoderActor);
        }
        var encoded = _encoderCritic.OutputDim;
        _actor = new TanhGaussianActor(encoded, _continuousDim, config.ActorNetworkKwargs, config.PolicyKwargs);
        _critic = new CriticEnsemble(encoded + _continuousDim, config.NumCritics, config.CriticNetworkKwargs);
        _criticTarget = new CriticEnsemble(encoded + _continuousDim, config.NumCritics, config.CriticNetworkKwargs);
        register_module("actor", _actor);
        register_module("critic_ensemble", _critic);
        register_module("critic_target", _criticTarget);
        if (config.NumDiscreteActions is > 0 and var n)
        {
            _discrete = new DiscreteCritic(encoded, n, config.DiscreteCriticNetworkKwargs);
            _discreteTarget = new DiscreteCritic(encoded, n, config.DiscreteCriticNetworkKwargs);
            register_module("discrete_critic", _discrete);
            register_module("discrete_critic_target", _discreteTarget);
        }
        _logAlpha = nn.Parameter(torch.tensor(new[] { (float)Math.Log(config.TemperatureInit) }));
        register_parameter("log_alpha", _logAlpha);
        HardUpdateTargets();
        foreach (var p in _criticTarget.parameters()) p.requires_grad = false;
        if (_discreteTarget is not null) foreach (var p in _discreteTarget.parameters()) p.requires_grad = false;
    }

    /// <summary>Actions from the mean (evaluation) instead of a sample (exploration).</summary>
    public bool DeterministicActions { get; set; }

    public double Temperature => Math.Exp(_logAlpha.item<float>());

    public SacObservationEncoder Encoder => _encoderCritic;

    public override bool NeedsNextObservation => true;

    public override Tensor SelectAction(IReadOnlyDictionary<string, Tensor> batch)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var features = _encoderCritic.HasImages ? _encoderActor.ImageFeatures(batch) : null;
        var encoded = _encoderActor.Forward(batch, features);
        var continuous = DeterministicActions ? _actor.Deterministic(encoded) : _actor.Sample(encoded).Action;
        if (_discrete is not null)
        {
            var criticEncoded = _config.SharedEncoder ? encoded : _encoderCritic.Forward(batch);
            var gripper = _discrete.forward(criticEncoded).argmax(-1, keepdim: true).to(float32);
            continuous = torch.cat([continuous, gripper], -1);
        }
        return continuous.MoveToOuterDisposeScope();
    }

    public override (Tensor Loss, Dictionary<string, double> Info) Forward(IReadOnlyDictionary<string, Tensor> batch)
    {
        var b = SacBatch.FromDictionary(batch);
        var (criticLoss, discreteLoss) = CriticLosses(b, Features(b));
        var loss = discreteLoss is null ? criticLoss : criticLoss + discreteLoss;
        return (loss, new Dictionary<string, double> { ["loss_critic"] = criticLoss.item<float>() });
    }

    public override IReadOnlyDictionary<string, IReadOnlyList<Parameter>> GetOptimParams()
    {
        var actor = _actor.parameters().ToList();
        if (!_config.SharedEncoder) actor.AddRange(_encoderActor.parameters().Where(p => p.requires_grad));
        var groups = new Dictionary<string, IReadOnlyList<Parameter>>
        {
            ["actor"] = actor,
            ["critic"] = _critic.parameters().Concat(_encoderCritic.parameters().Where(p => p.requires_grad)).ToList(),
            ["temperature"] = [_logAlpha],
        };
        if (_discrete is not null) groups["discrete_critic"] = _discrete.parameters().ToList();
        return groups;
    }

    // Feature maps of the critic encoder's backbone; a separate actor encoder computes its own.
    private sealed record BatchFeatures(Dictionary<string, Tensor>? Obs, Dictionary<string, Tensor>? Next);

    // A frozen backbone runs once per batch; every network then reuses its feature maps.
    private BatchFeatures Features(SacBatch b)
    {
        if (!_encoderCritic.HasImages || !_encoderCritic.FreezeBackbone) return new BatchFeatures(null, null);
        Dictionary<string, Tensor> Maps(IReadOnlyDictionary<string, Tensor>? cached, IReadOnlyDictionary<string, Tensor> observation) =>
            cached is not null ? new Dictionary<string, Tensor>(cached) : _encoderCritic.ImageFeatures(observation);
        return new BatchFeatures(Maps(b.ObservationFeatures, b.Observation), Maps(b.NextObservationFeatures, b.NextObservation));
    }

    /// <summary>
    /// The frozen backbone's feature maps for observations, for a replay buffer to cache at insertion and
    /// pass back in <see cref="SacBatch.ObservationFeatures"/>.
    /// </summary>
    public Dictionary<string, Tensor> CachedImageFeatures(IReadOnlyDictionary<string, Tensor> observation)
    {
        if (!_encoderCritic.FreezeBackbone)
            throw new InvalidOperationException("image features can only be cached when freeze_vision_encoder is true: a trained backbone changes them at every step");
        using var noGrad = torch.no_grad();
        return _encoderCritic.ImageFeatures(observation);
    }

    private Tensor ContinuousPart(Tensor action) => _discrete is null ? action : action[.., ..^1];

    private (Tensor Critic, Tensor? Discrete) CriticLosses(SacBatch b, BatchFeatures f)
    {
        Tensor target, discreteTarget = null!;
        using (torch.no_grad())
        {
            var nextActorEnc = _encoderActor.Forward(b.NextObservation, _config.SharedEncoder ? f.Next : null);
            var (nextAction, nextLogProb, _) = _actor.Sample(nextActorEnc);
            var nextCriticEnc = _config.SharedEncoder ? nextActorEnc : _encoderCritic.Forward(b.NextObservation, f.Next);
            var nextQ = _criticTarget.Forward(nextCriticEnc, nextAction);
            if (_config.NumSubsampleCritics is { } k)
                nextQ = nextQ.index_select(0, torch.randperm(_config.NumCritics)[..k]);
            var minQ = nextQ.min(0).values;
            if (_config.UseBackupEntropy) minQ = minQ - Temperature * nextLogProb;
            target = b.Reward + (1 - b.Done) * _config.Discount * minQ;
            if (_discrete is not null)
            {
                var best = _discrete.forward(nextCriticEnc).argmax(-1, keepdim: true);
                var nextDq = _discreteTarget!.forward(nextCriticEnc).gather(-1, best).squeeze(-1);
                var reward = b.DiscretePenalty is null ? b.Reward : b.Reward + b.DiscretePenalty;
                discreteTarget = reward + (1 - b.Done) * _config.Discount * nextDq;
            }
        }
        var encoded = _encoderCritic.Forward(b.Observation, f.Obs);
        var q = _critic.Forward(encoded, ContinuousPart(b.Action));
        var criticLoss = (q - target.unsqueeze(0)).pow(2).mean([1]).sum();
        if (_discrete is null) return (criticLoss, null);
        var chosen = b.Action[.., ^1..].round().to(int64).clamp(0, _config.NumDiscreteActions!.Value - 1);
        var dq = _discrete.forward(encoded).gather(-1, chosen).squeeze(-1);
        return (criticLoss, nn.functional.mse_loss(dq, discreteTarget));
    }

    // With a shared encoder the actor sees a detached encoding, and the actor step cannot change the
    // encoder, so one no-grad pass serves the actor and the temperature steps alike.
    private Tensor? SharedEncoding(SacBatch b, BatchFeatures f)
    {
        if (!_config.SharedEncoder) return null;
        using var noGrad = torch.no_grad();
        return _encoderCritic.Forward(b.Observation, f.Obs);
    }

    private Tensor ActorLoss(SacBatch b, BatchFeatures f, Tensor? shared)
    {
        var encoded = shared ?? _encoderActor.Forward(b.Observation);
        var (action, logProb, _) = _actor.Sample(encoded);
        var criticEncoded = shared ?? _encoderCritic.Forward(b.Observation, f.Obs, detach: true);
        var q = _critic.Forward(criticEncoded, action).min(0).values;
        return (Temperature * logProb - q).mean();
    }

    /// <summary>
    /// One learner optimization step in HIL-SERL's order: utd_ratio critic (and gripper critic) steps, each on
    /// a fresh batch with targets updated between them; then actor and temperature steps on the last batch
    /// every policy_update_freq steps; then the target update.
    /// </summary>
    public override Dictionary<string, double> TrainStep(Func<IReadOnlyDictionary<string, Tensor>> nextBatch, OptimizerSet optimizers, long step) =>
        Update(() => SacBatch.FromDictionary(nextBatch()), optimizers, step);

    public Dictionary<string, double> Update(Func<SacBatch> nextBatch, OptimizerSet optimizers, long step)
    {
        train();
        // One scope for the whole step: the last critic batch is reused by the actor and temperature steps.
        using var scope = torch.NewDisposeScope();
        var info = new Dictionary<string, double>();
        SacBatch batch = null!;
        BatchFeatures features = null!;
        for (var i = 0; i < _config.UtdRatio; i++)
        {
            batch = nextBatch();
            features = Features(batch);
            var (critic, discrete) = CriticLosses(batch, features);
            optimizers["critic"].ZeroGrad();
            if (discrete is not null) optimizers["discrete_critic"].ZeroGrad();
            (discrete is null ? critic : critic + discrete).backward();
            info["critic_grad_norm"] = optimizers["critic"].Step();
            info["loss_critic"] = critic.item<float>();
            if (discrete is not null)
            {
                info["discrete_critic_grad_norm"] = optimizers["discrete_critic"].Step();
                info["loss_discrete_critic"] = discrete.item<float>();
            }
            if (i + 1 < _config.UtdRatio) UpdateTargets();
        }
        if (step % _config.PolicyUpdateFreq == 0)
        {
            var shared = SharedEncoding(batch, features);
            for (var j = 0; j < _config.PolicyUpdateFreq; j++)
            {
                var actorLoss = ActorLoss(batch, features, shared);
                optimizers["actor"].ZeroGrad();
                actorLoss.backward();
                info["actor_grad_norm"] = optimizers["actor"].Step();
                info["loss_actor"] = actorLoss.item<float>();

                Tensor logProb;
                using (torch.no_grad())
                    logProb = _actor.Sample(shared ?? _encoderActor.Forward(batch.Observation)).LogProb;
                var temperatureLoss = (-_logAlpha.exp() * (logProb + _config.EffectiveTargetEntropy)).mean();
                optimizers["temperature"].ZeroGrad();
                temperatureLoss.backward();
                optimizers["temperature"].Step();
                info["loss_temperature"] = temperatureLoss.item<float>();
            }
        }
        UpdateTargets();
        info["temperature"] = Temperature;
        return info;
    }

    private void HardUpdateTargets()
    {
        using var noGrad = torch.no_grad();
        CopyInto(_critic, _criticTarget, 1.0);
        if (_discrete is not null) CopyInto(_discrete, _discreteTarget!, 1.0);
    }

    /// <summary>Polyak update θ' ← τθ + (1-τ)θ' of the critic heads and the gripper critic's target.</summary>
    public void UpdateTargets()
    {
        using var noGrad = torch.no_grad();
        var tau = _config.CriticTargetUpdateWeight;
        CopyInto(_critic, _criticTarget, tau);
        if (_discrete is not null) CopyInto(_discrete, _discreteTarget!, tau);
    }

    private static void CopyInto(nn.Module source, nn.Module target, double tau)
    {
        foreach (var (s, t) in source.parameters().Zip(target.parameters()))
        {
            if (tau >= 1.0) t.copy_(s);
            else t.lerp_(s, tau);
        }
    }

    private bool IsActorKey(string key) =>
        key.StartsWith("actor.", StringComparison.Ordinal)
        || key.StartsWith("encoder.", StringComparison.Ordinal)
        || key.StartsWith("encoder_actor.", StringComparison.Ordinal)
        || (_discrete is not null && (key.StartsWith("discrete_critic.", StringComparison.Ordinal) || key.StartsWith("encoder_critic.", StringComparison.Ordinal)));

    /// <summary>What a robot's policy replica needs (actor, its encoder, the gripper critic) as safetensors bytes with a version.</summary>
    public byte[] ExportActorWeights(long version)
    {
        var file = new SafeTensorsFile();
        foreach (var (key, tensor) in StateDict())
            if (IsActorKey(key)) file.Tensors[key] = TorchSafeTensors.FromTorch(tensor);
        file.Metadata["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        file.Metadata["policy"] = "sac";
        return file.ToBytes();
    }

    /// <summary>Applies weights from <see cref="ExportActorWeights"/>; returns their version.</summary>
    public long ImportActorWeights(byte[] bytes)
    {
        var file = SafeTensorsFile.Parse(bytes);
        if (!file.Metadata.TryGetValue("version", out var v) || !long.TryParse(v, out var version))
            throw new InvalidDataException("actor weights carry no 'version' metadata; export them with ExportActorWeights");
        var own = StateDict();
        var expected = own.Keys.Where(IsActorKey).ToList();
        var missing = expected.Where(k => !file.Tensors.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"actor weights version {version} lack {string.Join(", ", missing.Take(5))}; they come from a differently configured policy");
        using var noGrad = torch.no_grad();
        foreach (var key in expected)
        {
            using var value = TorchSafeTensors.ToTorch(file.Tensors[key]);
            if (!value.shape.SequenceEqual(own[key].shape))
                throw new InvalidDataException($"actor weights version {version}: '{key}' has shape [{string.Join(",", value.shape)}], expected [{string.Join(",", own[key].shape)}]");
            own[key].copy_(value);
        }
        return version;
    }
}
