using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Processors;
using RobotActors.Policies.Sac;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Rl.Algorithms.Sac;

/// <summary>
/// LeRobot v0.5's SACPolicy (--policy.type=sac), kept as what it now means: a gaussian_actor policy and the
/// SAC algorithm that trains it, as one trainable policy (offline `robotactors train`, PolicyTrainer). Its
/// model.safetensors holds both, keyed as LeRobot v0.5 writes the whole SACPolicy: actor.* (the shared
/// encoder under actor.encoder), discrete_critic.*, critic_ensemble.*, critic_target.*,
/// discrete_critic_target.*, log_alpha. Earlier RobotActors files load (keys mapped, see <see cref="LegacySacLayout"/>).
/// </summary>
public sealed class SacPolicy : PreTrainedPolicy
{
    private readonly SacConfig _config;
    private readonly GaussianActorPolicy _policy;
    private readonly SacAlgorithm _algorithm;

    public SacPolicy(SacConfig config, DatasetStats? datasetStats = null) : base(config)
    {
        config.ValidateFeatures();
        _config = config;
        _policy = new GaussianActorPolicy(config.ToGaussianActorConfig());
        _algorithm = new SacAlgorithm(_policy, SacAlgorithmConfig.FromSacConfig(config));
        register_module("actor", _policy.Actor);
        if (_policy.DiscreteCritic is not null) register_module("discrete_critic", _policy.DiscreteCritic);
        else if (!config.SharedEncoder) register_module("encoder_critic", _policy.EncoderCritic);
        register_module("critic_ensemble", _algorithm.CriticEnsemble);
        register_module("critic_target", _algorithm.CriticTarget);
        if (_algorithm.DiscreteCriticTarget is not null) register_module("discrete_critic_target", _algorithm.DiscreteCriticTarget);
        register_parameter("log_alpha", _algorithm.LogAlpha);
    }

    // Every module is registered by its LeRobot name above; no C# field name may become a key.
    protected override void RegisterComponents() { }

    /// <summary>The policy half: what a robot runs, and what its actor weights are exported from.</summary>
    public GaussianActorPolicy GaussianActor => _policy;
    public SacAlgorithm Algorithm => _algorithm;

    public bool DeterministicActions
    {
        get => _policy.DeterministicActions;
        set => _policy.DeterministicActions = value;
    }

    public double Temperature => _algorithm.Temperature;

    public override bool NeedsNextObservation => true;

    public override Tensor SelectAction(IReadOnlyDictionary<string, Tensor> batch) => _policy.SelectAction(batch);

    public override (Tensor Loss, Dictionary<string, double> Info) Forward(IReadOnlyDictionary<string, Tensor> batch) =>
        throw new NotSupportedException("sac trains through TrainStep (critic, discrete critic, actor and temperature have separate losses and optimizers)");

    public override IReadOnlyDictionary<string, IReadOnlyList<Parameter>> GetOptimParams() => _algorithm.OptimParams();

    /// <summary>One SAC update (<see cref="SacAlgorithm.Update(IEnumerator{SacBatch})"/>) on normalized batches.</summary>
    public override Dictionary<string, double> TrainStep(Func<IReadOnlyDictionary<string, Tensor>> nextBatch, OptimizerSet optimizers, long step) =>
        Update(() => SacBatch.FromDictionary(nextBatch()), optimizers, step);

    public Dictionary<string, double> Update(Func<SacBatch> nextBatch, OptimizerSet optimizers, long step)
    {
        _algorithm.Optimizers = optimizers;
        _algorithm.OptimizationStep = step;
        return _algorithm.Update(nextBatch);
    }

    protected override IReadOnlyDictionary<string, Tensor> UpgradeStateDict(IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var criticEncoder = _policy.DiscreteCritic is not null ? "discrete_critic.encoder." : "encoder_critic.";
        if (LegacySacLayout.IsLegacy(tensors.Keys))
        {
            var converted = LegacySacLayout.Convert(tensors, criticEncoder);
            var own = _policy.Actor.OutputDim;
            if (converted.TryGetValue("actor.mean_layer.weight", out var mean) && mean.shape[0] != own)
                throw new InvalidDataException($"{source}: its actor has {mean.shape[0]} continuous outputs but its config.json now means {own}; {LegacySacLayout.UpgradeHint}");
            return converted;
        }
        // LeRobot's safetensors writer keeps the first name in sorted order of a shared tensor; for a separate
        // critic encoder in a v0.5 SACPolicy that is critic_ensemble.encoder.*.
        const string lerobotCriticEncoder = "critic_ensemble.encoder.";
        if (_config.SharedEncoder || !tensors.Keys.Any(k => k.StartsWith(lerobotCriticEncoder, StringComparison.Ordinal))) return tensors;
        return tensors.ToDictionary(kv => kv.Key.StartsWith(lerobotCriticEncoder, StringComparison.Ordinal) ? criticEncoder + kv.Key[lerobotCriticEncoder.Length..] : kv.Key, kv => kv.Value);
    }
}
