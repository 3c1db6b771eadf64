using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's MotorCurrentProcessorStep: appends each motor's Present_Current to observation.state. LeRobot's
/// step reads the bus itself; here the control pipeline reads the currents with the joints, in the same
/// reading (complementary_data["raw_motor_currents"]), so the pipeline never touches a device.
/// </summary>
[ProcessorStepName("current_processor")]
public sealed class MotorCurrentProcessorStep(IReadOnlyList<string> motorNames) : IProcessorStep
{
    public IReadOnlyList<string> MotorNames { get; } = motorNames.Count > 0 ? motorNames : throw new ArgumentException("current_processor needs motor_names.");

    public static MotorCurrentProcessorStep FromConfig(JsonObject config) => new(StepJson.Strings(config, "motor_names"));

    public JsonObject GetConfig() => new() { ["motor_names"] = StepJson.Array(MotorNames) };

    public EnvTransition Process(EnvTransition transition)
    {
        if (!transition.ComplementaryData.TryGetValue(HilKeys.RawMotorCurrents, out var v) || v is not IReadOnlyDictionary<string, double> currents)
            throw new InvalidOperationException($"current_processor needs complementary_data[\"{HilKeys.RawMotorCurrents}\"]; the robot reading carried no Present_Current.");
        Span<float> values = stackalloc float[MotorNames.Count];
        for (var i = 0; i < MotorNames.Count; i++)
            values[i] = currents.TryGetValue(MotorNames[i], out var c) ? (float)c
                : throw new InvalidOperationException($"current_processor: no Present_Current for motor '{MotorNames[i]}' (read: {string.Join(", ", currents.Keys)}).");
        StateFeature.Append(transition, values);
        return transition;
    }

    public Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> TransformFeatures(
        Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> features) => StateFeature.Grow(features, _ => MotorNames.Count);
}
