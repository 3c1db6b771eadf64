namespace RobotActors.Devices.Workcell.Physics;

/// <summary>What a servo asks of its joint this step: position control toward a goal (radians) with gains and limits.</summary>
public struct JointDrive
{
    public bool TorqueEnabled;
    public double Goal;
    /// <summary>Proportional gain (N·m/rad) and velocity gain (N·m·s/rad).</summary>
    public double Kp, Kd;
    /// <summary>Largest motor torque (N·m) and speed (rad/s).</summary>
    public double TorqueLimit, SpeedLimit;
}
