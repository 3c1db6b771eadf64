using RobotActors.Devices.Teleoperators;
using RobotActors.Devices.Workcell.Operators;
using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Rl.Env;
using TorchSharp;

namespace RobotActors.Rl.Eval;

/// <summary>What acts in an evaluation: a trained policy, or a built-in baseline.</summary>
public interface IEvalPolicy : IDisposable
{
    string Name { get; }
    /// <summary>The action for an observation, in the env's action order; null lets the operator drive (the scripted baseline).</summary>
    float[]? Act(EnvObservation observation, ControlPipeline pipeline);
    void Reset();
}

/// <summary>
/// A pretrained policy folder (config.json, model.safetensors, the processor files) as `train` writes it: the
/// env's processed observation → the policy's preprocessor → select_action → postprocessor.
/// </summary>
public sealed class PretrainedEvalPolicy : IEvalPolicy
{
    private readonly PreTrainedPolicy _policy;
    private readonly ProcessorPipeline? _pre, _post;
    private readonly IReadOnlyList<string> _inputs;

    public PretrainedEvalPolicy(string path, IReadOnlyDictionary<string, PolicyFeature> envFeatures, int actionDim)
    {
        (_policy, _pre, _post) = PolicyFactory.LoadPretrained(path);
        Name = $"{_policy.Config.Type} ({path})";
        _inputs = _policy.Config.InputFeatures.Keys.ToList();
        foreach (var (key, feature) in _policy.Config.InputFeatures)
        {
            if (!envFeatures.TryGetValue(key, out var env))
                throw new ArgumentException($"--policy.path {path}: the policy reads '{key}', which this env does not give (it gives {string.Join(", ", envFeatures.Keys)}).");
            if (!env.Shape.SequenceEqual(feature.Shape))
                throw new ArgumentException($"--policy.path {path}: the policy's '{key}' is [{string.Join(", ", feature.Shape)}] but the env gives [{string.Join(", ", env.Shape)}]; evaluate with the env config the training data was recorded with.");
        }
        if (_policy.Config.SelectedActionDim is { } n && n != actionDim)
            throw new ArgumentException($"--policy.path {path}: the policy acts with {n} values but the env's action has {actionDim}; evaluate with the env config the training data was recorded with.");
    }

    public string Name { get; }

    /// <summary>The loaded policy, for runners that call it other than through select_action (background RTC).</summary>
    public PreTrainedPolicy Policy => _policy;

    /// <summary>The policy's postprocessor (null: actions are used as the policy gives them).</summary>
    public ProcessorPipeline? Postprocessor => _post;

    /// <summary>The env observation as the policy reads it: its input features, through its preprocessor; (B, ...) per key.</summary>
    public Dictionary<string, torch.Tensor> PolicyInput(EnvObservation observation, ControlPipeline pipeline)
    {
        var batch = pipeline.PolicyBatch(observation).Where(kv => _inputs.Contains(kv.Key)).ToDictionary();
        return _pre?.ProcessBatch(batch) ?? batch;
    }

    public float[] Act(EnvObservation observation, ControlPipeline pipeline)
    {
        using var scope = torch.NewDisposeScope();
        var input = PolicyInput(observation, pipeline);
        var action = _policy.SelectAction(input);
        if (_post is not null) action = _post.ProcessAction(action);
        return action.to(torch.ScalarType.Float32).reshape(-1).data<float>().ToArray();
    }

    public void Reset() => _policy.Reset();

    public void Dispose() => _policy.Dispose();
}

/// <summary>Uniform random actions (deltas in [−1, 1], a random gripper index), seeded: the workcell's random baseline.</summary>
public sealed class RandomEvalPolicy(int seed, IReadOnlyList<string> actionNames) : IEvalPolicy
{
    private readonly RandomOperator _random = new(seed);

    public string Name => "random";

    public float[] Act(EnvObservation observation, ControlPipeline pipeline)
    {
        var action = _random.GetAction();
        return actionNames.Select(n => action.TryGetValue(n, out var v) ? (float)v
            : throw new InvalidOperationException($"the random baseline acts in end-effector deltas; this env's action is [{string.Join(", ", actionNames)}].")).ToArray();
    }

    public void Reset() { }
    public void Dispose() { }
}

/// <summary>The scripted operator as the policy: it intervenes on every step, so its action is the one executed.</summary>
public sealed class ScriptedEvalPolicy : IEvalPolicy
{
    public string Name => "scripted";
    public float[]? Act(EnvObservation observation, ControlPipeline pipeline) => null;
    public void Reset() { }
    public void Dispose() { }
}
