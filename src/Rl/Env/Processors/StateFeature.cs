using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>Feature propagation for the steps that append values to observation.state.</summary>
internal static class StateFeature
{
    public static Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> Grow(
        Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> features, Func<PolicyFeature, int> added)
    {
        if (features.TryGetValue(PipelineFeatureType.Observation, out var obs) && obs.TryGetValue(PolicyKeys.ObservationState, out var state))
            obs[PolicyKeys.ObservationState] = state with { Shape = [state.Shape[0] + added(state)] };
        return features;
    }

    /// <summary>observation.state with <paramref name="extra"/> appended.</summary>
    public static void Append(Policies.Processors.EnvTransition transition, ReadOnlySpan<float> extra)
    {
        var state = transition.Observation.TryGetValue(PolicyKeys.ObservationState, out var s) ? s.data<float>().ToArray() : [];
        var combined = new float[state.Length + extra.Length];
        state.CopyTo(combined, 0);
        extra.CopyTo(combined.AsSpan(state.Length));
        transition.Observation[PolicyKeys.ObservationState] = TorchSharp.torch.tensor(combined);
    }
}
