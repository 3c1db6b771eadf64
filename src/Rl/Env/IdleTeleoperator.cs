using RobotActors.Devices.Teleoperators;

namespace RobotActors.Rl.Env;

/// <summary>No operator: a neutral action and no events (replay, evaluation of a policy).</summary>
public sealed class IdleTeleoperator : IEventTeleoperator
{
    public IReadOnlyList<string> ActionFeatures => HilKeys.DeltaActionNames(true);
    public Dictionary<string, double> GetAction() => new() { ["delta_x"] = 0, ["delta_y"] = 0, ["delta_z"] = 0, ["gripper"] = HilKeys.GripperStay };
    public Dictionary<TeleopEvent, bool> GetTeleopEvents() => Enum.GetValues<TeleopEvent>().ToDictionary(e => e, _ => false);
    public void Dispose() { }
}
