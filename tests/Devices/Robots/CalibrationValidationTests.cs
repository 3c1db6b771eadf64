using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;

namespace RobotActors.Devices.Tests.Robots;

/// <summary>
/// Issue 12.1: a calibration file is checked (keys, motors, ids, ranges, the servo's limits) wherever it
/// is read, and an invalid one never reaches a servo's registers.
/// </summary>
public sealed class CalibrationValidationTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ra-calcheck-");

    public void Dispose() => _dir.Delete(true);

    /// <summary>A valid SO-101 file as JSON, with <paramref name="edit"/> applied to the shoulder_pan entry.</summary>
    internal static string So101Json(string shoulderPan = "\"id\": 1, \"drive_mode\": 0, \"homing_offset\": -1470, \"range_min\": 758, \"range_max\": 3292",
        string? extraMotor = null, bool withGripper = true)
    {
        var entries = new List<string> { $"\"shoulder_pan\": {{{shoulderPan}}}" };
        foreach (var (name, id) in new[] { ("shoulder_lift", 2), ("elbow_flex", 3), ("wrist_flex", 4), ("wrist_roll", 5) })
            entries.Add($"\"{name}\": {{\"id\": {id}, \"drive_mode\": 0, \"homing_offset\": 12, \"range_min\": {(name == "wrist_roll" ? 0 : 900)}, \"range_max\": {(name == "wrist_roll" ? 4095 : 3100)}}}");
        if (withGripper) entries.Add("\"gripper\": {\"id\": 6, \"drive_mode\": 0, \"homing_offset\": 1296, \"range_min\": 2036, \"range_max\": 3308}");
        if (extraMotor is not null) entries.Add($"\"{extraMotor}\": {{\"id\": 7, \"drive_mode\": 0, \"homing_offset\": 0, \"range_min\": 0, \"range_max\": 4095}}");
        return "{" + string.Join(",\n ", entries) + "}";
    }

    private string Write(string json, string id = "arm")
    {
        var path = Path.Combine(_dir.FullName, id + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    private ArmConfig Config(ServoBusEmulator emu, string id = "arm") => new()
    {
        Type = "so101_follower", Port = emu.PortPath, Id = id, CalibrationDir = _dir.FullName,
        PacketTimeout = TimeSpan.FromMilliseconds(500),
    };

    [Fact]
    public void A_misspelled_key_and_a_missing_key_are_named_with_the_file_and_the_motor()
    {
        var path = Write(So101Json("\"id\": 1, \"drive_mode\": 0, \"homing_ofset\": -1470, \"range_min\": 758"));
        var e = Assert.Throws<CalibrationException>(() => CalibrationFile.Load(path, ArmSpec.For("so101_follower").CalibrationRules()));
        Assert.Contains($"Calibration file '{path}'", e.Message);
        Assert.Contains("shoulder_pan: unknown key 'homing_ofset' (did you mean 'homing_offset'?)", e.Message);
        Assert.Contains("shoulder_pan: missing key 'range_max'", e.Message);
        Assert.Contains("Nothing was written to the motors", e.Message);
        Assert.Equal(2, e.Problems.Count);
    }

    [Theory]
    [InlineData("\"id\": 1, \"drive_mode\": 0, \"homing_offset\": 0, \"range_min\": 3000, \"range_max\": 1000", "shoulder_pan: range_min 3000 is not below range_max 1000")]
    [InlineData("\"id\": 1, \"drive_mode\": 0, \"homing_offset\": 0, \"range_min\": 0, \"range_max\": 0", "shoulder_pan: range_min 0 is not below range_max 0")]
    [InlineData("\"id\": 1, \"drive_mode\": 0, \"homing_offset\": 0, \"range_min\": 100, \"range_max\": 5000", "shoulder_pan: range_max 5000 is outside the servo's 0..4095 steps")]
    [InlineData("\"id\": 1, \"drive_mode\": 0, \"homing_offset\": 0, \"range_min\": -4, \"range_max\": 3000", "shoulder_pan: range_min -4 is outside the servo's 0..4095 steps")]
    [InlineData("\"id\": 1, \"drive_mode\": 0, \"homing_offset\": 2114, \"range_min\": 758, \"range_max\": 3292", "shoulder_pan: homing_offset 2114 is outside the servo's ±2047")]
    [InlineData("\"id\": 3, \"drive_mode\": 0, \"homing_offset\": 0, \"range_min\": 758, \"range_max\": 3292", "shoulder_pan: id 3, but shoulder_pan is motor id 1")]
    [InlineData("\"id\": 1, \"drive_mode\": 2, \"homing_offset\": 0, \"range_min\": 758, \"range_max\": 3292", "shoulder_pan: drive_mode 2 must be 0 or 1")]
    [InlineData("\"id\": 1, \"drive_mode\": 0, \"homing_offset\": \"-1470\", \"range_min\": 758, \"range_max\": 3292", "shoulder_pan: homing_offset must be an integer, got \"-1470\"")]
    [InlineData("\"id\": 1, \"drive_mode\": 0, \"homing_offset\": 1.5, \"range_min\": 758, \"range_max\": 3292", "shoulder_pan: homing_offset must be an integer, got 1.5")]
    public void Values_the_servo_cannot_take_are_refused_naming_motor_and_key(string shoulderPan, string expected)
    {
        var path = Write(So101Json(shoulderPan));
        var e = Assert.Throws<CalibrationException>(() => CalibrationFile.Load(path, ArmSpec.For("so101_follower").CalibrationRules()));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_missing_or_an_extra_motor_is_refused()
    {
        var rules = ArmSpec.For("so101_follower").CalibrationRules();
        var e = Assert.Throws<CalibrationException>(() => CalibrationFile.Load(Write(So101Json(withGripper: false, extraMotor: "wrist_yaw")), rules));
        Assert.Contains("gripper: missing (every motor of a so101_follower needs an entry", e.Message);
        Assert.Contains("wrist_yaw: not a motor of a so101_follower", e.Message);
        Assert.Equal(6, CalibrationFile.Load(Write(So101Json()), rules).Count); // the same file with its motors right is fine
    }

    [Fact]
    public void A_broken_file_in_the_calibration_folder_stops_connect_before_any_write_reaches_a_servo()
    {
        Write(So101Json("\"id\": 1, \"drive_mode\": 0, \"homing_ofset\": -1470, \"range_min\": 758"));
        using var emu = ServoBusEmulator.ForArm();
        using var arm = new Arm(Config(emu));
        Assert.NotNull(arm.CalibrationProblem);
        var e = Assert.Throws<NotCalibratedException>(() => arm.Connect(prompt: new ScriptedCalibrationPrompt(useExisting: true)));
        Assert.Contains("shoulder_pan: missing key 'range_max'", e.Message);
        Assert.Contains("robotactors calibrate --robot.type so101_follower", e.FixCommand);
        Assert.False(arm.IsConnected);
        Assert.All(emu.Servos, s => Assert.Equal(0, s.WritesReceived));
    }

    [Fact]
    public void A_broken_file_in_LeRobots_calibration_folder_is_refused_the_same_way()
    {
        var saved = Environment.GetEnvironmentVariable("HF_LEROBOT_CALIBRATION");
        Environment.SetEnvironmentVariable("HF_LEROBOT_CALIBRATION", _dir.FullName);
        try
        {
            var folder = Directory.CreateDirectory(Path.Combine(_dir.FullName, "robots", "so_follower")).FullName;
            File.WriteAllText(Path.Combine(folder, "lab.json"), So101Json(extraMotor: "wrist_yaw"));
            using var emu = ServoBusEmulator.ForArm();
            using var arm = new Arm(new ArmConfig { Type = "so101_follower", Port = emu.PortPath, Id = "lab" });
            Assert.Equal(Path.Combine(folder, "lab.json"), arm.CalibrationPath);
            var e = Assert.Throws<NotCalibratedException>(() => arm.Connect());
            Assert.Contains($"Calibration file '{Path.Combine(folder, "lab.json")}' is not a valid calibration", e.Message);
            Assert.Contains("wrist_yaw: not a motor of a so101_follower", e.Message);
            Assert.Equal(0, emu.PacketsReceived);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_LEROBOT_CALIBRATION", saved);
        }
    }

    [Fact]
    public void A_bus_refuses_an_invalid_calibration_whole_so_no_motor_gets_half_of_it()
    {
        using var emu = ServoBusEmulator.ForArm();
        using var arm = new Arm(Config(emu, "fresh"));
        arm.Connect(calibrate: false);
        var writesBefore = emu.Servos.Sum(s => s.WritesReceived);
        var good = ArmTests.TestCalibration();
        var bad = new Dictionary<string, MotorCalibration>(good) { ["gripper"] = good["gripper"] with { RangeMax = 0 } };
        var e = Assert.Throws<CalibrationException>(() => arm.Bus.WriteCalibration(bad));
        Assert.Contains("gripper: range_min 2000 is not below range_max 0", e.Message);
        Assert.Throws<CalibrationException>(() => arm.ApplyCalibration(bad));
        Assert.Equal(writesBefore, emu.Servos.Sum(s => s.WritesReceived));
        Assert.Equal(4095, emu.Servo(1).Get("Max_Position_Limit")); // the factory range is still there
        Assert.False(File.Exists(arm.CalibrationPath));
    }
}
