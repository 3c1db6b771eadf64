namespace RobotActors.Devices.Kinematics;

/// <summary>LeRobot's end_effector_bounds {min: [x,y,z], max: [x,y,z]}: targets outside are clamped and counted.</summary>
public sealed class EndEffectorBounds(double[] min, double[] max)
{
    private long _clamps;

    public double[] Min { get; } = min.Length == 3 ? min : throw new ArgumentException("end_effector_bounds.min needs x, y, z.");
    public double[] Max { get; } = max.Length == 3 ? max : throw new ArgumentException("end_effector_bounds.max needs x, y, z.");
    public long ClampCount => Interlocked.Read(ref _clamps);

    public double[] Clamp(double[] position)
    {
        var clamped = new double[3];
        var changed = false;
        for (var i = 0; i < 3; i++)
        {
            clamped[i] = Math.Clamp(position[i], Min[i], Max[i]);
            changed |= clamped[i] != position[i];
        }
        if (changed) Interlocked.Increment(ref _clamps);
        return clamped;
    }
}
