namespace RobotActors.Devices.Teleoperators;

/// <summary>A source of actions for a robot (LeRobot's Teleoperator): a leader arm, a gamepad, a keyboard.</summary>
public interface ITeleoperator : IDisposable
{
    IReadOnlyList<string> ActionFeatures { get; }
    Dictionary<string, double> GetAction();
}
