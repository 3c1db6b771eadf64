using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Processors;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Training;
using TorchSharp;

namespace RobotActors.Rl.Actor;

/// <summary>
/// A robot's copy of the learner's policy (LeRobot's actor process holds the same): the gaussian_actor and its
/// discrete gripper critic, built from the train config exactly as the learner builds it (same statistics, same
/// processors), then fed the actor weights the learner pushes. Critics, targets and the temperature stay with
/// the learner. Not thread-safe: the control thread alone acts and applies weights, between two steps.
/// </summary>
public sealed class PolicyReplica : IDisposable
{
    private readonly GaussianActorPolicy _policy;
    private readonly ProcessorPipeline _pre, _post;
    private readonly IReadOnlyDictionary<string, PolicyFeature> _inputs;

    public PolicyReplica(GaussianActorConfig config, Action<string>? warn = null)
    {
        (_policy, _pre, _post) = HilSerlStats.Build(config, warn);
        _inputs = config.InputFeatures;
        ActionDim = config.ExecutedActionDim;
    }

    /// <summary>The weights version it acts with; 0 until the first push (the initial, untrained actor).</summary>
    public long Version { get; private set; }

    /// <summary>Continuous dims plus the gripper's index when the config has a discrete critic.</summary>
    public int ActionDim { get; }

    /// <summary>Sampled actions (exploration, as LeRobot's actor) or the mean (evaluation).</summary>
    public bool Deterministic
    {
        get => _policy.DeterministicActions;
        set => _policy.DeterministicActions = value;
    }

    /// <summary>Checks and applies a pushed payload; a refused one (other shapes, a frozen backbone that differs) leaves the replica as it was.</summary>
    public long Apply(byte[] payload)
    {
        var version = ActorWeights.Import(_policy, payload);
        Version = version;
        return version;
    }

    /// <summary>
    /// Every policy input must be one of the env's processed observation features, with its shape; checked once when the
    /// env is open, so a mismatched config is a config error before the first tick rather than a torch error inside it.
    /// </summary>
    public void CheckInputs(IReadOnlyDictionary<string, PolicyFeature> env, string source)
    {
        foreach (var (key, feature) in _inputs)
        {
            if (!env.TryGetValue(key, out var has))
                throw new LeRobotConfigException($"{source}: policy.input_features.{key}: the env's observation has no such feature (it has {string.Join(", ", env.Keys)}).");
            if (!has.Shape.SequenceEqual(feature.Shape))
                throw new LeRobotConfigException($"{source}: policy.input_features.{key} has shape [{string.Join(", ", feature.Shape)}] but the env gives [{string.Join(", ", has.Shape)}] " +
                                                 "(observation.state: joint positions, then velocities, currents and the end-effector pose as env.processor.observation adds them).");
        }
    }

    /// <summary>The action for an env observation, in the env's action order (unnormalized by the policy's postprocessor); see <see cref="CheckInputs"/>.</summary>
    public float[] Act(EnvObservation observation, ControlPipeline pipeline)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = Policies.Torch.FinalizerSafeRegion.Enter(); // TorchSharp's temporary Scalars: see FinalizerSafeRegion
        var batch = pipeline.PolicyBatch(observation).Where(kv => _inputs.ContainsKey(kv.Key)).ToDictionary();
        var action = _post.ProcessAction(_policy.SelectAction(_pre.ProcessBatch(batch)));
        return action.to(torch.ScalarType.Float32).reshape(-1).data<float>().ToArray();
    }

    public void Dispose() => _policy.Dispose();
}
