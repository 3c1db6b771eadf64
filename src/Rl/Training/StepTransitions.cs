using RobotActors.Datasets.Images;
using RobotActors.Policies.Configs;
using RobotActors.Rl.Buffers;
using RobotActors.Rl.Env;

namespace RobotActors.Rl.Training;

/// <summary>
/// An env step as the learner stores it: s and s' cut to the policy's input features (so every transition has
/// the replay buffer's schema), the executed action, reward, done and truncated kept apart, the gripper penalty
/// and the intervention flag — the mapping the cluster's learner applies to a robot's step records.
/// </summary>
public static class StepTransitions
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the policy inputs the env's observation lacks.</summary>
    public static Transition From(StepResult step, IReadOnlyCollection<string> observationKeys) =>
        new(Keep(step.Observation, observationKeys), step.Action, (float)step.Reward, step.Done, step.Truncated, Keep(step.Next, observationKeys),
            (float)step.DiscretePenalty, step.Events.Intervention);

    private static Observation Keep(EnvObservation o, IReadOnlyCollection<string> keys)
    {
        var states = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var images = new Dictionary<string, ImageFrame>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (key == PolicyKeys.ObservationState) states[key] = o.State;
            else if (key == PolicyKeys.ObservationEnvironmentState && o.EnvironmentState is { } env) states[key] = env;
            else if (o.Images.TryGetValue(key, out var frame)) images[key] = frame;
            else
                throw new ArgumentException($"the policy reads {key}, which the env's observation does not have (it has observation.state" +
                                            $"{(o.EnvironmentState is null ? "" : ", observation.environment_state")}{string.Concat(o.Images.Keys.Select(k => ", " + k))}); " +
                                            "policy.input_features must match the env's processed observation.");
        }
        return new Observation(states, images);
    }
}
