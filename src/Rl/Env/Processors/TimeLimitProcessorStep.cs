using System.Text.Json.Nodes;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's TimeLimitProcessorStep: truncates the episode after max_episode_steps (control_time_s × fps)
/// steps. It counts the transitions that carry an action, so the reset observation is not a step and an
/// episode has exactly max_episode_steps actions.
/// </summary>
[ProcessorStepName("time_limit_processor")]
public sealed class TimeLimitProcessorStep(int maxEpisodeSteps) : IProcessorStep
{
    public int MaxEpisodeSteps { get; } = maxEpisodeSteps > 0 ? maxEpisodeSteps : throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "max_episode_steps must be positive.");
    public int CurrentStep { get; private set; }

    public static TimeLimitProcessorStep FromConfig(JsonObject config) => new(StepJson.Int(config, "max_episode_steps", 200));

    public JsonObject GetConfig() => new() { ["max_episode_steps"] = MaxEpisodeSteps };

    public EnvTransition Process(EnvTransition transition)
    {
        if (transition.Action is null && transition.RobotAction is null) return transition;
        CurrentStep++;
        if (CurrentStep >= MaxEpisodeSteps) transition.SetTruncated(true);
        return transition;
    }

    public void Reset() => CurrentStep = 0;
}
