using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Networks;
using RobotActors.Policies.Optim;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Rl.Algorithms.Sac;

/// <summary>
/// LeRobot's SACAlgorithm: owns the critic ensemble, its Polyak target, the discrete critic's target, the
/// temperature (log_alpha) and target entropy, and every SAC loss; it trains a <see cref="GaussianActorPolicy"/>'s
/// actor and discrete critic. Its own keys (algorithm/model.safetensors) are critic_ensemble.*,
/// critic_target.*, discrete_critic_target.* and log_alpha, as LeRobot writes them (the policy's encoder is
/// not repeated there). The single implementation of the losses: the v0.5 sac policy delegates here too.
/// </summary>
public sealed class SacAlgorithm : NamedModule
{
    private readonly GaussianActorPolicy _policy;
    private readonly SacAlgorithmConfig _config;
    private readonly GaussianActorObservationEncoder _encoderCritic;
    private readonly GaussianActorObservationEncoder _encoderActor;
    private readonly TanhGaussianActor _actor;
    private readonly DiscreteCritic? _discrete;
    private readonly CriticEnsemble _critic;
    private readonly CriticEnsemble _criticTarget;
    private readonly DiscreteCritic? _discreteTarget;
    private readonly Parameter _logAlpha;
    private readonly bool _shared;

    public SacAlgorithm(GaussianActorPolicy policy, SacAlgorithmConfig config) : base("sac_algorithm")
    {
        config.Validate();
        _policy = policy;
        _config = config;
        _encoderCritic = policy.EncoderCritic;
        _actor = policy.Actor;
        _encoderActor = _actor.Encoder;
        _discrete = policy.DiscreteCritic;
        _shared = policy.Config.SharedEncoder;
        var actionDim = policy.Config.ContinuousActionDim;
        var inputDim = _encoderCritic.OutputDim + actionDim;
        _critic = new CriticEnsemble(inputDim, config.NumCritics, config.CriticNetworkKwargs);
        _criticTarget = new CriticEnsemble(inputDim, config.NumCritics, config.CriticNetworkKwargs);
        register_module("critic_ensemble", _critic);
        register_module("critic_target", _criticTarget);
        if (_discrete is not null)
        {
            _discreteTarget = new DiscreteCritic(_encoderCritic, registerEncoder: false, policy.Config.NumDiscreteActions!.Value, config.DiscreteCriticNetworkKwargs);
            register_module("discrete_critic_target", _discreteTarget);
        }
        _logAlpha = nn.Parameter(torch.tensor(new[] { (float)Math.Log(config.TemperatureInit) }));
        register_parameter("log_alpha", _logAlpha);
        TargetEntropy = config.TargetEntropy ?? policy.Config.DefaultTargetEntropy;
        using (torch.no_grad())
        {
            CopyInto(_critic.parameters(), _criticTarget.parameters(), 1.0);
            if (_discrete is not null) CopyInto(_discrete.HeadParameters(), _discreteTarget!.HeadParameters(), 1.0);
        }
        foreach (var p in _criticTarget.parameters()) p.requires_grad = false;
        if (_discreteTarget is not null) foreach (var p in _discreteTarget.parameters()) p.requires_grad = false;
    }

    public GaussianActorPolicy Policy => _policy;
    public SacAlgorithmConfig Config => _config;
    public CriticEnsemble CriticEnsemble => _critic;
    public CriticEnsemble CriticTarget => _criticTarget;
    public DiscreteCritic? DiscreteCriticTarget => _discreteTarget;
    public Parameter LogAlpha => _logAlpha;

    /// <summary>LeRobot's target entropy: target_entropy, or −(continuous dims + 1 with a gripper) / 2.</summary>
    public double TargetEntropy { get; }

    public double Temperature => Math.Exp(_logAlpha.item<float>());

    /// <summary>Learner optimization steps done; the actor and temperature step when it is a multiple of policy_update_freq.</summary>
    public long OptimizationStep { get; set; }

    /// <summary>The optimizers <see cref="Update(IEnumerator{SacBatch})"/> steps; <see cref="MakeOptimizers"/> builds LeRobot's.</summary>
    public OptimizerSet? Optimizers { get; set; }

    /// <summary>
    /// The parameter groups, as LeRobot's make_optimizers: the actor without a shared encoder; the critic
    /// ensemble with the encoder it reads; the temperature; the discrete critic with that encoder too (so,
    /// as in LeRobot, two Adam instances step a shared encoder).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Parameter>> OptimParams()
    {
        var actor = _actor.OptimParameters();
        var groups = new Dictionary<string, IReadOnlyList<Parameter>>
        {
            ["actor"] = actor,
            ["critic"] = _critic.parameters().Concat(_encoderCritic.parameters().Where(p => p.requires_grad)).ToList(),
            ["temperature"] = [_logAlpha],
        };
        if (_discrete is not null) groups["discrete_critic"] = _discrete.OptimParameters();
        return groups;
    }

    /// <summary>LeRobot's make_optimizers: torch.optim.Adam per group (eps 1e-8, no weight decay), clipped at grad_clip_norm.</summary>
    public OptimizerSet MakeOptimizers()
    {
        var lr = new Dictionary<string, double>
        {
            ["actor"] = _config.ActorLr, ["critic"] = _config.CriticLr, ["temperature"] = _config.TemperatureLr, ["discrete_critic"] = _config.CriticLr,
        };
        Optimizers = new OptimizerSet(OptimParams().ToDictionary(kv => kv.Key,
            kv => (IPolicyOptimizer)new AdamOptimizer(kv.Value, lr[kv.Key], gradClipNorm: _config.GradClipNorm)));
        return Optimizers;
    }

    /// <summary>
    /// The frozen backbone's feature maps for observations (LeRobot's get_observation_features), for a
    /// replay buffer to cache and pass back in <see cref="SacBatch.ObservationFeatures"/>.
    /// </summary>
    public Dictionary<string, Tensor> CachedImageFeatures(IReadOnlyDictionary<string, Tensor> observation)
    {
        if (!_encoderCritic.FreezeBackbone)
            throw new InvalidOperationException("image features can only be cached when freeze_vision_encoder is true: a trained backbone changes them at every step");
        using var noGrad = torch.no_grad();
        return _encoderCritic.ImageFeatures(observation);
    }

    // Feature maps of the critic encoder's backbone; a separate actor encoder computes its own.
    private sealed record BatchFeatures(IReadOnlyDictionary<string, Tensor>? Obs, IReadOnlyDictionary<string, Tensor>? Next);

    // A frozen backbone runs once per batch; every network then reuses its feature maps.
    private BatchFeatures Features(SacBatch b)
    {
        if (!_encoderCritic.HasImages || !_encoderCritic.FreezeBackbone) return new BatchFeatures(null, null);
        IReadOnlyDictionary<string, Tensor> Maps(IReadOnlyDictionary<string, Tensor>? cached, IReadOnlyDictionary<string, Tensor> observation) =>
            cached ?? _encoderCritic.ImageFeatures(observation);
        return new BatchFeatures(Maps(b.ObservationFeatures, b.Observation), Maps(b.NextObservationFeatures, b.NextObservation));
    }

    private Tensor ContinuousPart(Tensor action) => _discrete is null ? action : action[.., ..^1];

    /// <summary>Sum over critics of each critic's mean squared TD error (LeRobot's critic loss).</summary>
    private Tensor CriticLoss(SacBatch b, BatchFeatures f)
    {
        Tensor target;
        using (torch.no_grad())
        {
            var nextActorEnc = _encoderActor.Forward(b.NextObservation, _shared ? f.Next : null);
            var (nextAction, nextLogProb, _) = _actor.Sample(nextActorEnc);
            var nextCriticEnc = _shared ? nextActorEnc : _encoderCritic.Forward(b.NextObservation, f.Next);
            var nextQ = _criticTarget.Forward(nextCriticEnc, nextAction);
            if (_config.NumSubsampleCritics is { } k)
                nextQ = nextQ.index_select(0, torch.randperm(_config.NumCritics)[..k]);
            var minQ = nextQ.min(0).values;
            if (_config.UseBackupEntropy) minQ = minQ - Temperature * nextLogProb;
            target = b.Reward + (1 - b.Done) * _config.Discount * minQ;
        }
        var q = _critic.Forward(_encoderCritic.Forward(b.Observation, f.Obs), ContinuousPart(b.Action));
        return (q - target.unsqueeze(0)).pow(2).mean([1]).sum();
    }

    /// <summary>
    /// Double-DQN loss of the gripper critic: the online critic picks the next action, the target critic
    /// values it; the reward includes the gripper penalty. Unlike LeRobot, the penalty is applied on every
    /// UTD sub-step, the last one included (LeRobot drops complementary_info there).
    /// </summary>
    private Tensor DiscreteCriticLoss(SacBatch b, BatchFeatures f)
    {
        Tensor target;
        using (torch.no_grad())
        {
            var next = _encoderCritic.Forward(b.NextObservation, f.Next);
            var best = _discrete!.Head(next).argmax(-1, keepdim: true);
            var nextDq = _discreteTarget!.Head(next).gather(-1, best).squeeze(-1);
            var reward = b.DiscretePenalty is null ? b.Reward : b.Reward + b.DiscretePenalty;
            target = reward + (1 - b.Done) * _config.Discount * nextDq;
        }
        var chosen = b.Action[.., ^1..].round().to(int64).clamp(0, _policy.Config.NumDiscreteActions!.Value - 1);
        var dq = _discrete.Head(_encoderCritic.Forward(b.Observation, f.Obs)).gather(-1, chosen).squeeze(-1);
        return nn.functional.mse_loss(dq, target);
    }

    // With a shared encoder the actor sees a detached encoding, and the actor step cannot change the
    // encoder, so one no-grad pass serves the actor and the temperature steps alike.
    private Tensor? SharedEncoding(SacBatch b, BatchFeatures f)
    {
        if (!_shared) return null;
        using var noGrad = torch.no_grad();
        return _encoderCritic.Forward(b.Observation, f.Obs);
    }

    /// <summary>mean(α·log π(a|s) − min_e Q_e(s, a)) with a fresh reparameterized action.</summary>
    private Tensor ActorLoss(SacBatch b, BatchFeatures f, Tensor? shared)
    {
        var encoded = shared ?? _encoderActor.Forward(b.Observation);
        var (action, logProb, _) = _actor.Sample(encoded);
        var criticEncoded = shared ?? _encoderCritic.Forward(b.Observation, f.Obs, detach: true);
        var q = _critic.Forward(criticEncoded, action).min(0).values;
        return (Temperature * logProb - q).mean();
    }

    /// <summary>mean(−α·(log π + target entropy)), α = exp(log_alpha) (the temperature, not its log, as LeRobot).</summary>
    private Tensor TemperatureLoss(SacBatch b, Tensor? shared)
    {
        Tensor logProb;
        using (torch.no_grad())
            logProb = _actor.Sample(shared ?? _encoderActor.Forward(b.Observation)).LogProb;
        return (-_logAlpha.exp() * (logProb + TargetEntropy)).mean();
    }

    /// <summary>
    /// One learner optimization step in LeRobot's order (§4 and §6.4): utd_ratio critic sub-steps, each on
    /// a fresh batch from the iterator (critic step, then discrete-critic step), with the targets updated
    /// after every sub-step but the last; then, when the step is a multiple of policy_update_freq,
    /// policy_update_freq actor-and-temperature steps on the last batch; then the target update. Each
    /// optimizer clips its own parameters' gradients to grad_clip_norm. Returns the losses, gradient
    /// norms ("&lt;name&gt;_grad_norm") and the temperature as plain numbers.
    /// </summary>
    public Dictionary<string, double> Update(IEnumerator<SacBatch> batches)
    {
        var optimizers = Optimizers ?? throw new InvalidOperationException("SacAlgorithm.Update needs optimizers: call MakeOptimizers() first (or set Optimizers)");
        _policy.train();
        train();
        // One scope for the whole step: the last critic batch is reused by the actor and temperature steps.
        using var scope = torch.NewDisposeScope();
        var info = new Dictionary<string, double>();
        SacBatch batch = null!;
        BatchFeatures features = null!;
        for (var i = 0; i < _config.UtdRatio; i++)
        {
            if (!batches.MoveNext()) throw new InvalidOperationException("the batch iterator ended inside a SAC update; it must be endless (a buffer or mixer iterator)");
            batch = batches.Current;
            features = Features(batch);
            var critic = CriticLoss(batch, features);
            optimizers["critic"].ZeroGrad();
            critic.backward();
            info["critic_grad_norm"] = optimizers["critic"].Step();
            info["loss_critic"] = critic.item<float>();
            if (_discrete is not null)
            {
                var discrete = DiscreteCriticLoss(batch, features);
                optimizers["discrete_critic"].ZeroGrad();
                discrete.backward();
                info["discrete_critic_grad_norm"] = optimizers["discrete_critic"].Step();
                info["loss_discrete_critic"] = discrete.item<float>();
            }
            if (i + 1 < _config.UtdRatio) UpdateTargets();
        }
        if (OptimizationStep % _config.PolicyUpdateFreq == 0)
        {
            var shared = SharedEncoding(batch, features);
            for (var j = 0; j < _config.PolicyUpdateFreq; j++)
            {
                var actorLoss = ActorLoss(batch, features, shared);
                optimizers["actor"].ZeroGrad();
                actorLoss.backward();
                info["actor_grad_norm"] = optimizers["actor"].Step();
                info["loss_actor"] = actorLoss.item<float>();

                var temperatureLoss = TemperatureLoss(batch, shared);
                optimizers["temperature"].ZeroGrad();
                temperatureLoss.backward();
                info["temperature_grad_norm"] = optimizers["temperature"].Step();
                info["loss_temperature"] = temperatureLoss.item<float>();
            }
        }
        UpdateTargets();
        OptimizationStep++;
        info["temperature"] = Temperature;
        return info;
    }

    /// <summary><see cref="Update(IEnumerator{SacBatch})"/> drawing each batch from a function.</summary>
    public Dictionary<string, double> Update(Func<SacBatch> nextBatch) => Update(Endless(nextBatch));

    private static IEnumerator<SacBatch> Endless(Func<SacBatch> next)
    {
        while (true) yield return next();
    }

    /// <summary>Q-values [num_critics, B] of the online critics for normalized observations and continuous actions (evaluation).</summary>
    public Tensor QValues(IReadOnlyDictionary<string, Tensor> observation, Tensor continuousAction)
    {
        using var noGrad = torch.no_grad();
        return _critic.Forward(_encoderCritic.Forward(observation), continuousAction);
    }

    /// <summary>Polyak update θ' ← τθ + (1-τ)θ' of the critic heads and the discrete critic's target.</summary>
    public void UpdateTargets()
    {
        using var noGrad = torch.no_grad();
        var tau = _config.CriticTargetUpdateWeight;
        CopyInto(_critic.parameters(), _criticTarget.parameters(), tau);
        if (_discrete is not null) CopyInto(_discrete.HeadParameters(), _discreteTarget!.HeadParameters(), tau);
    }

    // Heads only: the encoder has no target copy (LeRobot's targets read the live encoder).
    private static void CopyInto(IEnumerable<Parameter> source, IEnumerable<Parameter> target, double tau)
    {
        foreach (var (s, t) in source.Zip(target, (a, b) => (a, b)))
        {
            if (tau >= 1.0) t.copy_(s);
            else t.lerp_(s, tau);
        }
    }

    /// <summary>The algorithm's own tensors, keyed as LeRobot's algorithm/model.safetensors.</summary>
    public Dictionary<string, Tensor> AlgorithmStateDict() => state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>Restores <see cref="AlgorithmStateDict"/> in place (optimizers keep their references); a missing or mis-shaped tensor is an error naming it.</summary>
    public void LoadAlgorithmState(IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var own = AlgorithmStateDict();
        var missing = own.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{source} lacks {missing.Count} tensors of the SAC algorithm, e.g. {string.Join(", ", missing.Take(5))}; was it saved with a different config?");
        using var noGrad = torch.no_grad();
        foreach (var (key, target) in own)
        {
            var value = tensors[key];
            if (!value.shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"{source}: '{key}' has shape [{string.Join(", ", value.shape)}] but the algorithm expects [{string.Join(", ", target.shape)}]");
            target.copy_(value);
        }
    }
}
