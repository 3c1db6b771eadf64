using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Workcell.Physics;

namespace RobotActors.Devices.Workcell;

/// <summary>
/// The arm's emulated servos as the world's joints: their controllers' commands become the joints'
/// drives (goal through the calibration, gains from P/D, torque and speed limits), and the joints'
/// motion becomes their Present_* registers (position, velocity, load and current from the motor torque).
/// </summary>
public sealed class ArmServos
{
    private readonly WorldPhysics _world;
    private readonly JointServoMap[] _maps; // motor order
    private readonly int[] _bodyOfMotor;

    public ArmServos(ArmSpec spec, WorldPhysics world, IReadOnlyDictionary<string, MotorCalibration> calibration, IServoShaft shaft)
    {
        _world = world;
        var mechanism = world.Arm;
        _bodyOfMotor = mechanism.BodyOfJoint;
        _maps = spec.Motors.Select((m, k) =>
        {
            var body = mechanism.Bodies[_bodyOfMotor[k]];
            return new JointServoMap(m.Name, calibration[m.Name], m.Name == "gripper", body.Lower, body.Upper);
        }).ToArray();
        Servos = spec.Motors.Select(m => new EmulatedServo(m.Id, model: m.Model)).ToArray();
        foreach (var servo in Servos) servo.AttachShaft(shaft);
    }

    /// <summary>The servos, in motor order (ids 1..6).</summary>
    public IReadOnlyList<EmulatedServo> Servos { get; }
    public IReadOnlyList<JointServoMap> Maps => _maps;

    /// <summary>Every servo's controller command → its joint's drive.</summary>
    public void ReadDrives()
    {
        var settings = _world.Settings;
        for (var k = 0; k < _maps.Length; k++)
        {
            var command = Servos[k].Command();
            var map = _maps[k];
            ref var drive = ref _world.Drives[_bodyOfMotor[k]];
            drive.TorqueEnabled = command.TorqueEnabled;
            drive.Goal = map.AngleOfShaft(command.GoalActual);
            drive.Kp = settings.KpPerPCoefficient * command.PCoefficient;
            drive.Kd = settings.KdPerDCoefficient * command.DCoefficient;
            drive.TorqueLimit = settings.StallTorque * command.TorqueLimit;
            drive.SpeedLimit = command.SpeedLimit / map.StepsPerRadian;
        }
    }

    /// <summary>Every joint's motion → its servo's Present_* registers.</summary>
    public void PublishShafts()
    {
        var settings = _world.Settings;
        for (var k = 0; k < _maps.Length; k++)
        {
            var body = _bodyOfMotor[k];
            var map = _maps[k];
            var torque = _world.MotorTorque[body] / settings.StallTorque;
            var speed = _world.V[body] * map.StepsPerRadian;
            var current = Math.Abs(torque) * settings.StallCurrentUnits + Math.Abs(speed) / EmulatedServo.DefaultMaxSpeedStepsPerSecond * 20;
            Servos[k].ReportShaft(map.ShaftOf(_world.Q[body]), speed, torque * 1000, current, settings.TimeStep);
        }
    }

    /// <summary>Puts the arm at rest at joint values in the stack's units (motor order), the servos' goals there so they hold it.</summary>
    public void Place(IReadOnlyList<double> joints)
    {
        if (joints.Count != _maps.Length) throw new ArgumentException($"Placing the arm needs {_maps.Length} joint values, got {joints.Count}.");
        Span<double> angles = stackalloc double[_maps.Length];
        for (var k = 0; k < _maps.Length; k++) angles[_bodyOfMotor[k]] = _maps[k].AngleOfStackValue(joints[k]);
        _world.SetJoints(angles);
        for (var k = 0; k < _maps.Length; k++)
            Servos[k].PlaceShaft(_maps[k].ShaftOf(_world.Q[_bodyOfMotor[k]]));
    }

    /// <summary>The joints now, in the stack's units (degrees; gripper 0..100), by motor name.</summary>
    public Dictionary<string, double> StackJoints()
    {
        var joints = new Dictionary<string, double>(_maps.Length);
        for (var k = 0; k < _maps.Length; k++) joints[_maps[k].Name] = _maps[k].StackValueOfAngle(_world.Q[_bodyOfMotor[k]]);
        return joints;
    }
}
