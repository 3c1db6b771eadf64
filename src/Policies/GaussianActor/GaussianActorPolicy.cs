using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.GaussianActor;

/// <summary>
/// LeRobot's GaussianActorPolicy: what a robot runs in HIL-SERL — the observation encoder, the tanh-Gaussian
/// actor for the continuous dimensions and the discrete critic whose arg-max picks the gripper action. It
/// has no loss of its own: the SAC algorithm (RobotActors.Rl) owns critics, targets and temperature and
/// trains this policy's actor and discrete critic. Batches are normalized; actions are in [-1, 1] with the
/// gripper index last and left as is.
/// </summary>
public sealed class GaussianActorPolicy : PreTrainedPolicy
{
    private readonly GaussianActorConfig _config;
    private readonly GaussianActorObservationEncoder _encoderCritic;
    private readonly GaussianActorObservationEncoder _encoderActor;
    private readonly TanhGaussianActor _actor;
    private readonly DiscreteCritic? _discrete;

    public GaussianActorPolicy(GaussianActorConfig config, DatasetStats? datasetStats = null) : base(config)
    {
        config.ValidateFeatures();
        _config = config;
        _encoderCritic = new GaussianActorObservationEncoder(config);
        _encoderActor = config.SharedEncoder ? _encoderCritic : new GaussianActorObservationEncoder(config);
        _actor = new TanhGaussianActor(_encoderActor, config.SharedEncoder, config.ContinuousActionDim, config.ActorNetworkKwargs, config.PolicyKwargs);
        register_module("actor", _actor);
        if (config.NumDiscreteActions is > 0 and var n)
        {
            _discrete = new DiscreteCritic(_encoderCritic, registerEncoder: !config.SharedEncoder, n, config.DiscreteCriticNetworkKwargs);
            register_module("discrete_critic", _discrete);
        }
        else if (!config.SharedEncoder)
            register_module("encoder_critic", _encoderCritic);
    }

    // Every module is registered by its LeRobot name above; no C# field name may become a key.
    protected override void RegisterComponents() { }

    public new GaussianActorConfig Config => _config;

    /// <summary>Actions from the distribution's mode (evaluation) instead of a sample (exploration).</summary>
    public bool DeterministicActions { get; set; }

    /// <summary>The encoder the critics read (the same object as the actor's when shared_encoder).</summary>
    public GaussianActorObservationEncoder EncoderCritic => _encoderCritic;
    public TanhGaussianActor Actor => _actor;
    public DiscreteCritic? DiscreteCritic => _discrete;

    public override IReadOnlyDictionary<string, IReadOnlyList<Parameter>> GetOptimParams() =>
        new Dictionary<string, IReadOnlyList<Parameter>> { ["actor"] = _actor.OptimParameters() };

    public override Tensor SelectAction(IReadOnlyDictionary<string, Tensor> batch)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var features = _encoderActor.HasImages ? _encoderActor.ImageFeatures(batch) : null;
        var encoded = _encoderActor.Forward(batch, features);
        var action = DeterministicActions ? _actor.Deterministic(encoded) : _actor.Sample(encoded).Action;
        if (_discrete is not null)
        {
            var criticEncoded = _config.SharedEncoder ? encoded : _encoderCritic.Forward(batch);
            var gripper = _discrete.Head(criticEncoded).argmax(-1, keepdim: true).to(float32);
            action = torch.cat([action, gripper], -1);
        }
        return action.MoveToOuterDisposeScope();
    }

    public override (Tensor Loss, Dictionary<string, double> Info) Forward(IReadOnlyDictionary<string, Tensor> batch) =>
        throw new PolicyConfigException("gaussian_actor has no loss of its own: an RL algorithm trains it (the SAC learner, or " +
                                        "`robotactors train --policy.type sac` for SAC on a dataset)");

    /// <summary>Keys of what a robot replica acts with (LeRobot's pushed "policy" and "discrete_critic" state dicts).</summary>
    public static bool IsActorKey(string key) =>
        key.StartsWith("actor.", StringComparison.Ordinal) || key.StartsWith("discrete_critic.", StringComparison.Ordinal);

    /// <summary>Keys of a frozen vision backbone among the actor keys (none when the backbone trains or there are no cameras).</summary>
    public bool IsFrozenBackboneKey(string key) =>
        _config.FreezeVisionEncoder && _encoderCritic.HasImages &&
        (key.StartsWith("actor.encoder.image_encoder.", StringComparison.Ordinal) || key.StartsWith("discrete_critic.encoder.image_encoder.", StringComparison.Ordinal));
}
