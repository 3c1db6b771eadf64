using RobotActors.Devices.Serial;

namespace RobotActors.Devices.Robots;

/// <summary>
/// Configuration of an arm (LeRobot's robot/teleoperator config): --robot.type, --robot.port,
/// --robot.id, --robot.calibration_dir, --robot.max_relative_target, --robot.use_degrees ...
/// </summary>
public sealed record ArmConfig
{
    /// <summary>so100_follower, so101_follower, koch_follower, so100_leader, so101_leader, koch_leader.</summary>
    public required string Type { get; init; }
    public required string Port { get; init; }
    /// <summary>Names the calibration file (&lt;id&gt;.json); LeRobot's --robot.id.</summary>
    public string Id { get; init; } = "default";
    /// <summary>Where &lt;id&gt;.json lives; defaults to $HF_LEROBOT_CALIBRATION/{robots|teleoperators}/&lt;name&gt;.</summary>
    public string? CalibrationDir { get; init; }
    public bool DisableTorqueOnDisconnect { get; init; } = true;
    /// <summary>Largest change of a goal from the present position per action, in normalized units (null = off).</summary>
    public double? MaxRelativeTarget { get; init; }
    /// <summary>Per-motor max_relative_target; overrides <see cref="MaxRelativeTarget"/> for the motors it names.</summary>
    public IReadOnlyDictionary<string, double>? MaxRelativeTargetPerMotor { get; init; }
    /// <summary>Joints in degrees (LeRobot's default since Feb 2026) or in -100..100 (older datasets). Koch keeps -100..100.</summary>
    public bool? UseDegrees { get; init; }
    public int NumReadRetries { get; init; } = 2;
    public int PositionPCoefficient { get; init; } = 16;
    public int PositionICoefficient { get; init; }
    public int PositionDCoefficient { get; init; } = 32;
    public int BaudRate { get; init; }
    /// <summary>Reply deadline per exchange (plus wire time); LeRobot's SDKs use about 50 ms.</summary>
    public TimeSpan PacketTimeout { get; init; } = TimeSpan.FromMilliseconds(50);
    public SerialTransportKind Transport { get; init; } = SerialTransportKind.Auto;
}
