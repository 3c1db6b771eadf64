namespace RobotActors.Devices.Kinematics;

/// <summary>
/// LeRobot's find-joint-limits bookkeeping: the minimum and maximum of every joint seen, and (with
/// kinematics) of the end-effector position, skipping a warm-up period.
/// </summary>
public sealed class JointLimitsRecorder(RobotKinematics? kinematics = null)
{
    public Dictionary<string, (double Min, double Max)> Joints { get; } = new();
    public double[]? EeMin { get; private set; }
    public double[]? EeMax { get; private set; }
    public long Samples { get; private set; }

    public void Record(IReadOnlyDictionary<string, double> positions)
    {
        Samples++;
        foreach (var (name, v) in positions)
        {
            if (!double.IsFinite(v)) continue;
            Joints[name] = Joints.TryGetValue(name, out var r) ? (Math.Min(r.Min, v), Math.Max(r.Max, v)) : (v, v);
        }
        if (kinematics is null) return;
        var p = kinematics.ForwardKinematics(positions).P;
        EeMin = EeMin is null ? (double[])p.Clone() : [Math.Min(EeMin[0], p[0]), Math.Min(EeMin[1], p[1]), Math.Min(EeMin[2], p[2])];
        EeMax = EeMax is null ? (double[])p.Clone() : [Math.Max(EeMax[0], p[0]), Math.Max(EeMax[1], p[1]), Math.Max(EeMax[2], p[2])];
    }
}
