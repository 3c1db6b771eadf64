using RobotActors.Devices.Robots;

namespace RobotActors.Devices.Teleoperators;

/// <summary>A leader arm (so100_leader, so101_leader, koch_leader) as a teleoperator: its positions are the action.</summary>
public sealed class LeaderArmTeleoperator(Arm leader) : ITeleoperator
{
    public Arm Leader { get; } = leader;
    public IReadOnlyList<string> ActionFeatures => Leader.FeatureNames;
    public Dictionary<string, double> GetAction() => Leader.GetAction();
    public void Dispose() => Leader.Dispose();
}
