using System.CommandLine;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Serial;

namespace RobotActors.Host.Commands;

/// <summary>
/// LeRobot's dotted device options (--robot.type, --robot.port, --robot.id, ...; the same under
/// --teleop.*), shared by calibrate, setup-motors and teleoperate.
/// </summary>
public sealed class ArmOptions
{
    public Option<string> Type { get; }
    public Option<string> Port { get; }
    public Option<string> Id { get; }
    public Option<string?> CalibrationDir { get; }
    public Option<double?> MaxRelativeTarget { get; }
    public Option<bool?> UseDegrees { get; }
    public string Prefix { get; }

    /// <param name="otherTypes">Types besides the arms this command also takes (teleoperate: gamepad, keyboard), listed in the help.</param>
    public ArmOptions(string prefix, bool required, IReadOnlyList<string>? otherTypes = null)
    {
        Prefix = prefix;
        var types = ArmSpec.Known.Values.Where(s => (s.Role == ArmRole.Follower) == (prefix == "robot")).Select(s => s.Type).Concat(otherTypes ?? []);
        Type = new Option<string>($"--{prefix}.type") { Description = $"{(prefix == "robot" ? "Robot" : "Teleoperator")} type: {string.Join(", ", types)}.", Required = required };
        Port = new Option<string>($"--{prefix}.port") { Description = "Serial port of the motor bus (see `robotactors find-port`).", Required = required };
        Id = new Option<string>($"--{prefix}.id") { Description = "Name of this arm; its calibration is <calibration_dir>/<id>.json.", DefaultValueFactory = _ => "default" };
        CalibrationDir = new Option<string?>($"--{prefix}.calibration_dir") { Description = "Folder of calibration files (default: $HF_LEROBOT_CALIBRATION/...)." };
        MaxRelativeTarget = new Option<double?>($"--{prefix}.max_relative_target") { Description = "Largest goal change from the present position per action (followers)." };
        UseDegrees = new Option<bool?>($"--{prefix}.use_degrees") { Description = "Joints in degrees (SO default true) or -100..100." };
    }

    public void AddTo(Command command)
    {
        command.Add(Type);
        command.Add(Port);
        command.Add(Id);
        command.Add(CalibrationDir);
        command.Add(MaxRelativeTarget);
        command.Add(UseDegrees);
    }

    public bool IsGiven(ParseResult result) => result.GetValue(Type) is not null;

    /// <summary>LeRobot's rule for calibrate and setup-motors: exactly one of --robot.* or --teleop.*.</summary>
    public static ArmConfig ReadOne(ParseResult result, ArmOptions robot, ArmOptions teleop) =>
        robot.IsGiven(result) ^ teleop.IsGiven(result)
            ? (robot.IsGiven(result) ? robot : teleop).Read(result)
            : throw new ArgumentException("Give exactly one of --robot.type/--robot.port or --teleop.type/--teleop.port.");

    public ArmConfig Read(ParseResult result) => new()
    {
        Type = result.GetValue(Type) ?? throw new ArgumentException($"--{Prefix}.type is required."),
        Port = result.GetValue(Port) ?? throw new ArgumentException($"--{Prefix}.port is required."),
        Id = result.GetValue(Id) ?? "default",
        CalibrationDir = result.GetValue(CalibrationDir),
        MaxRelativeTarget = result.GetValue(MaxRelativeTarget),
        UseDegrees = result.GetValue(UseDegrees),
        Transport = SerialTransportKind.Auto,
    };
}
