using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's VanillaObservationProcessorStep: the gym observation becomes LeRobot's keys — "pixels" (one
/// frame) → observation.image, "pixels.&lt;cam&gt;" → observation.images.&lt;cam&gt;, "agent_pos" →
/// observation.state (float32), "environment_state" → observation.environment_state. Frames are checked
/// to be uint8 height × width × channels and stay so: they become float channel-first only at the policy
/// boundary (AddBatchDimensionProcessorStep), after any crop, which spares LeRobot's per-pixel float
/// conversion of whole camera frames (#2173).
/// </summary>
[ProcessorStepName("observation_processor")]
public sealed class VanillaObservationProcessorStep : IProcessorStep
{
    public static VanillaObservationProcessorStep FromConfig(JsonObject config) => new();

    public JsonObject GetConfig() => new();

    public EnvTransition Process(EnvTransition transition)
    {
        var observation = transition.Observation;
        foreach (var key in observation.Keys.ToList())
        {
            string? target = key switch
            {
                HilKeys.AgentPos => PolicyKeys.ObservationState,
                HilKeys.EnvironmentState => PolicyKeys.ObservationEnvironmentState,
                HilKeys.Pixels => PolicyKeys.ObservationImage,
                _ when key.StartsWith(HilKeys.Pixels + ".", StringComparison.Ordinal) => $"{PolicyKeys.ObservationImages}.{key[(HilKeys.Pixels.Length + 1)..]}",
                _ => null,
            };
            if (target is null) continue;
            var value = observation[key];
            observation.Remove(key);
            if (PolicyKeys.IsImage(target))
            {
                if (value.dtype != ScalarType.Byte || value.dim() != 3 || value.shape[2] is not (1 or 3 or 4))
                    throw new InvalidDataException($"observation_processor: camera frame '{key}' must be uint8 (height, width, channels), got {value.dtype} [{string.Join(", ", value.shape)}].");
                observation[target] = value;
            }
            else
            {
                observation[target] = value.to(ScalarType.Float32).reshape(-1);
            }
        }
        return transition;
    }
}
