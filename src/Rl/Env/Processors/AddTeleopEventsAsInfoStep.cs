using System.Text.Json.Nodes;
using RobotActors.Devices.Teleoperators;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's AddTeleopEventsAsInfoStep: merges the teleoperator's events (is_intervention, success, failure,
/// rerecord_episode, terminate_episode) into info. A teleoperator without events (a leader arm) reports none.
/// </summary>
[ProcessorStepName("add_teleop_action_as_info")]
public sealed class AddTeleopEventsAsInfoStep(ITeleoperator teleop) : IProcessorStep
{
    public ITeleoperator Teleop { get; } = teleop;

    public static AddTeleopEventsAsInfoStep FromConfig(JsonObject config) =>
        throw new InvalidOperationException("add_teleop_action_as_info needs a live teleoperator; build the action processor with GymManipulatorFactory.");

    public JsonObject GetConfig() => new();

    public EnvTransition Process(EnvTransition transition)
    {
        if (Teleop is IEventTeleoperator events)
            foreach (var (e, on) in events.GetTeleopEvents())
                transition.Info[e.ToLeRobotName()] = on;
        return transition;
    }
}
