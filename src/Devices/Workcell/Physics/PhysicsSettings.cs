namespace RobotActors.Devices.Workcell.Physics;

/// <summary>
/// Constants of the workcell's physics. The servo figures follow the STS3215 model of TheRobotStudio's
/// MJCF (kp 998.22 N·m/rad at P=16, kv 2.731 at D=32, ±3.35 N·m, damping 0.6, armature 0.028,
/// friction loss 0.052); the rest are ours, chosen for stable contacts at the fixed step.
/// </summary>
public sealed record PhysicsSettings
{
    /// <summary>Fixed physics step (seconds).</summary>
    public double TimeStep { get; init; } = 0.002;
    public double Gravity { get; init; } = 9.81;

    // Servo (per joint)
    public double KpPerPCoefficient { get; init; } = 998.22 / 16;
    public double KdPerDCoefficient { get; init; } = 2.731 / 32;
    /// <summary>Stall torque at Torque_Limit 1000 (N·m); Present_Load reports the motor torque in per-mille of it.</summary>
    public double StallTorque { get; init; } = 3.35;
    public double JointDamping { get; init; } = 0.6;
    public double Armature { get; init; } = 0.028;
    /// <summary>Coulomb friction of a powered joint (N·m).</summary>
    public double FrictionLoss { get; init; } = 0.052;
    /// <summary>Friction of the gearbox with torque off (N·m): a geared servo is hard to back-drive, so an idle arm sags slowly instead of dropping.</summary>
    public double UnpoweredFriction { get; init; } = 0.4;
    /// <summary>Present_Current at stall (units of 6.5 mA; about 2.6 A for an STS3215 at 12 V).</summary>
    public double StallCurrentUnits { get; init; } = 400;

    // Contacts
    /// <summary>Penalty stiffness (N/m) and damping (N·s/m) of arm spheres against the table and against a blocked cube.</summary>
    public double ContactStiffness { get; init; } = 20000;
    public double ContactDamping { get; init; } = 40;
    /// <summary>Friction coefficient of the arm on the table and of the cube on the table.</summary>
    public double TableFriction { get; init; } = 0.5;
    /// <summary>Position-projection passes per step for the cube.</summary>
    public int CubeIterations { get; init; } = 4;

    // Grasp
    /// <summary>A jaw within this gap of a cube face counts as touching it (m).</summary>
    public double TouchTolerance { get; init; } = 0.0008;
    /// <summary>The grasp lets go once the moving jaw opened this far (rad) from where it closed on the cube.</summary>
    public double ReleaseAngle { get; init; } = 0.02;

    // Table (its surface is z = 0 of the arm's base frame)
    public double TableMinX { get; init; } = -0.30;
    public double TableMaxX { get; init; } = 0.60;
    public double TableMinY { get; init; } = -0.40;
    public double TableMaxY { get; init; } = 0.40;
    /// <summary>The floor under the table, where a cube that fell off comes to rest (m, below the table top).</summary>
    public double FloorZ { get; init; } = -0.72;
}
