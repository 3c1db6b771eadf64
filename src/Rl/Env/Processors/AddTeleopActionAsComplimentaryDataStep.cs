using System.Text.Json.Nodes;
using RobotActors.Devices.Teleoperators;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's AddTeleopActionAsComplimentaryDataStep: complementary_data["teleop_action"] = the teleoperator's
/// current action ({delta_x, delta_y, delta_z, gripper} for a gamepad, "&lt;motor&gt;.pos" for a leader arm).
/// The teleoperator is a live device (or the actors' latest snapshot of one), so it is given, not configured.
/// </summary>
[ProcessorStepName("add_teleop_action_as_complementary_data")]
public sealed class AddTeleopActionAsComplimentaryDataStep(ITeleoperator teleop) : IProcessorStep
{
    public ITeleoperator Teleop { get; } = teleop;

    public static AddTeleopActionAsComplimentaryDataStep FromConfig(JsonObject config) =>
        throw new InvalidOperationException("add_teleop_action_as_complementary_data needs a live teleoperator; build the action processor with GymManipulatorFactory.");

    public JsonObject GetConfig() => new();

    public EnvTransition Process(EnvTransition transition)
    {
        transition.ComplementaryData[HilKeys.TeleopAction] = Teleop.GetAction();
        return transition;
    }
}
