using RobotActors.Devices.Dynamixel;
using RobotActors.Devices.Feetech;
using RobotActors.Devices.Motors;

namespace RobotActors.Devices.Robots;

public enum ArmRole { Follower, Leader }

public enum BusProtocol { Feetech, Dynamixel }

/// <summary>
/// What distinguishes one LeRobot arm type from another: its calibration name, role, bus
/// protocol and motors (names, ids, models, in LeRobot's order).
/// </summary>
public sealed record ArmSpec(string Type, string CalibrationName, string[] LegacyCalibrationNames, ArmRole Role, BusProtocol Protocol,
    IReadOnlyList<(string Name, int Id, string Model)> Motors, bool DefaultUseDegrees, string[] FullTurnMotors)
{
    public static readonly string[] MotorNames = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"];

    private static (string, int, string)[] Same(string model) => MotorNames.Select((n, i) => (n, i + 1, model)).ToArray();

    private static readonly (string, int, string)[] KochFollowerMotors =
    [
        ("shoulder_pan", 1, "xl430-w250"), ("shoulder_lift", 2, "xl430-w250"), ("elbow_flex", 3, "xl330-m288"),
        ("wrist_flex", 4, "xl330-m288"), ("wrist_roll", 5, "xl330-m288"), ("gripper", 6, "xl330-m288"),
    ];

    public static readonly IReadOnlyDictionary<string, ArmSpec> Known = new Dictionary<string, ArmSpec>
    {
        ["so100_follower"] = new("so100_follower", "so_follower", ["so100_follower"], ArmRole.Follower, BusProtocol.Feetech, Same("sts3215"), true, ["wrist_roll"]),
        ["so101_follower"] = new("so101_follower", "so_follower", ["so101_follower"], ArmRole.Follower, BusProtocol.Feetech, Same("sts3215"), true, ["wrist_roll"]),
        ["so100_leader"] = new("so100_leader", "so_leader", ["so100_leader"], ArmRole.Leader, BusProtocol.Feetech, Same("sts3215"), true, ["wrist_roll"]),
        ["so101_leader"] = new("so101_leader", "so_leader", ["so101_leader"], ArmRole.Leader, BusProtocol.Feetech, Same("sts3215"), true, ["wrist_roll"]),
        ["koch_follower"] = new("koch_follower", "koch_follower", [], ArmRole.Follower, BusProtocol.Dynamixel, KochFollowerMotors, false, []),
        ["koch_leader"] = new("koch_leader", "koch_leader", [], ArmRole.Leader, BusProtocol.Dynamixel, Same("xl330-m077"), false, []),
    };

    public static ArmSpec For(string type) => Known.TryGetValue(type, out var spec)
        ? spec
        : throw new ArgumentException($"Unknown arm type '{type}'. Known: {string.Join(", ", Known.Keys)}.");

    /// <summary>Calibration files of followers live under robots/, of leaders under teleoperators/.</summary>
    public string CalibrationKind => Role == ArmRole.Follower ? "robots" : "teleoperators";

    /// <summary>What a calibration file of this arm type must hold, known before any port is opened.</summary>
    public CalibrationRules CalibrationRules() => new($"a {Type}", Motors.Select(m => Protocol == BusProtocol.Feetech
            ? new CalibrationRules.MotorRule(m.Name, m.Id, FeetechTables.Resolution(m.Model), FeetechTables.MaxHomingOffset)
            : new CalibrationRules.MotorRule(m.Name, m.Id, DynamixelTables.Resolution, DynamixelTables.MaxHomingOffset))
        .ToList());

    public IReadOnlyList<NamedMotor> NamedMotors(bool useDegrees) => Motors
        .Select(m => new NamedMotor(m.Name, new Motor(m.Id, m.Model,
            m.Name == "gripper" ? MotorNormMode.Range0To100 : useDegrees ? MotorNormMode.Degrees : MotorNormMode.RangeM100To100)))
        .ToList();
}
