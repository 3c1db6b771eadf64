namespace RobotActors.Devices.Motors;

/// <summary>How a motor's position is presented to policies (LeRobot's MotorNormMode).</summary>
public enum MotorNormMode
{
    /// <summary>"range_0_100": 0..100 across the calibrated range (grippers).</summary>
    Range0To100,
    /// <summary>"range_m100_100": -100..100 across the calibrated range.</summary>
    RangeM100To100,
    /// <summary>"degrees": degrees from the middle of the calibrated range; not clamped.</summary>
    Degrees,
}

/// <summary>One motor on a bus: its id, its model name (e.g. "sts3215") and its normalization.</summary>
public sealed record Motor(int Id, string Model, MotorNormMode NormMode);

/// <summary>A motor with its LeRobot name, in bus order.</summary>
public sealed record NamedMotor(string Name, Motor Motor)
{
    public int Id => Motor.Id;
}
