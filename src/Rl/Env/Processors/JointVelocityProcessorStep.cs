using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's JointVelocityProcessorStep: appends the finite-difference velocity (q − q_prev) / dt of the
/// state to observation.state, doubling its size; zeros on the first step after a reset.
/// </summary>
[ProcessorStepName("joint_velocity_processor")]
public sealed class JointVelocityProcessorStep(double dt) : IProcessorStep
{
    private float[]? _previous;

    public double Dt { get; } = dt > 0 ? dt : throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must be positive (1 / fps).");

    public static JointVelocityProcessorStep FromConfig(JsonObject config) => new(StepJson.Double(config, "dt", 0.1));

    public JsonObject GetConfig() => new() { ["dt"] = Dt };

    public EnvTransition Process(EnvTransition transition)
    {
        if (!transition.Observation.TryGetValue(PolicyKeys.ObservationState, out var state)) return transition;
        var q = state.data<float>().ToArray();
        var velocity = new float[q.Length];
        if (_previous is { } prev && prev.Length == q.Length)
            for (var i = 0; i < q.Length; i++) velocity[i] = (float)((q[i] - prev[i]) / Dt);
        _previous = q;
        StateFeature.Append(transition, velocity);
        return transition;
    }

    public Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> TransformFeatures(
        Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> features) =>
        StateFeature.Grow(features, f => f.Shape[0]);

    public void Reset() => _previous = null;
}
