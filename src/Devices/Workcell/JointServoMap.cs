using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Workcell.Physics;

namespace RobotActors.Devices.Workcell;

/// <summary>
/// Shaft steps ⇄ joint angle for one servo of a simulated arm, through its LeRobot calibration, so the
/// robot stack reads the URDF's angles: body joints in degrees, deg = (present − (min+max)/2)·360/4095;
/// the gripper in 0..100 = lower..upper joint limit (0 = closed). Present = shaft − homing offset (Feetech).
/// </summary>
public sealed class JointServoMap
{
    public const double StepsPerTurn = 4095; // LeRobot's degrees use 4095 steps per 360°

    private readonly MotorCalibration _cal;
    private readonly double _lower, _upper;

    public JointServoMap(string name, MotorCalibration calibration, bool isGripper, double lower, double upper)
    {
        Name = name;
        _cal = calibration;
        IsGripper = isGripper;
        _lower = lower;
        _upper = upper;
        if (calibration.RangeMax <= calibration.RangeMin)
            throw new ArgumentException($"Calibration of '{name}': range_max must exceed range_min.");
        if (isGripper && !(upper > lower))
            throw new ArgumentException($"Joint '{name}' needs finite limits to map 0..100 onto it.");
    }

    public string Name { get; }
    public bool IsGripper { get; }
    public MotorCalibration Calibration => _cal;

    /// <summary>Shaft steps per radian of joint motion.</summary>
    public double StepsPerRadian => IsGripper ? (_cal.RangeMax - _cal.RangeMin) / (_upper - _lower) : StepsPerTurn / (2 * Math.PI);

    private double Middle => (_cal.RangeMin + _cal.RangeMax) / 2.0;

    /// <summary>The present-position value (after the homing offset) of a joint angle.</summary>
    public double PresentOf(double angle) => IsGripper
        ? _cal.RangeMin + (angle - _lower) * StepsPerRadian
        : Middle + angle * StepsPerRadian;

    public double AngleOfPresent(double present) => IsGripper
        ? _lower + (present - _cal.RangeMin) / StepsPerRadian
        : (present - Middle) / StepsPerRadian;

    /// <summary>A value in the robot stack's units (degrees; gripper 0..100) → the joint angle (rad).</summary>
    public double AngleOfStackValue(double value) => IsGripper
        ? AngleOfPresent(_cal.RangeMin + value / 100 * (_cal.RangeMax - _cal.RangeMin))
        : value * Math.PI / 180;

    /// <summary>The joint angle (rad) → the robot stack's units (degrees; gripper 0..100), as LeRobot normalizes.</summary>
    public double StackValueOfAngle(double angle) => IsGripper
        ? (PresentOf(angle) - _cal.RangeMin) / (_cal.RangeMax - _cal.RangeMin) * 100
        : angle * 180 / Math.PI;

    /// <summary>Shaft steps (before the homing offset) of a joint angle; Feetech: shaft = present + offset.</summary>
    public double ShaftOf(double angle) => PresentOf(angle) + _cal.HomingOffset;

    public double AngleOfShaft(double shaft) => AngleOfPresent(shaft - _cal.HomingOffset);

    /// <summary>
    /// The LeRobot calibration of a simulated arm, from its model's joint limits: homing offset 0, body
    /// joints symmetric about 2047 (zero at mid-range) wide enough for both limits, the full-turn motors
    /// (wrist_roll) 0..4095 as LeRobot forces, the gripper's range its lower..upper limit.
    /// </summary>
    public static Dictionary<string, MotorCalibration> DerivedCalibration(ArmMechanism arm, ArmSpec spec)
    {
        var calibration = new Dictionary<string, MotorCalibration>();
        const int middle = 2047;
        var perRadian = StepsPerTurn / (2 * Math.PI);
        foreach (var (name, id, _) in spec.Motors)
        {
            var body = arm.Bodies[arm.BodyOfJoint[Array.IndexOf(arm.JointNames, name)]];
            if (spec.FullTurnMotors.Contains(name))
            {
                calibration[name] = new MotorCalibration(id, 0, 0, 0, 4095);
                continue;
            }
            if (!double.IsFinite(body.Lower) || !double.IsFinite(body.Upper))
                throw new ArgumentException($"Joint '{name}' of '{arm.Model.Name}' needs finite limits for its calibration range.");
            if (name == "gripper")
            {
                calibration[name] = new MotorCalibration(id, 0, 0,
                    middle + (int)Math.Round(body.Lower * perRadian), middle + (int)Math.Round(body.Upper * perRadian));
                continue;
            }
            var half = (int)Math.Round(Math.Max(Math.Abs(body.Lower), Math.Abs(body.Upper)) * perRadian);
            calibration[name] = new MotorCalibration(id, 0, 0, middle - half, middle + half);
        }
        return calibration;
    }
}
