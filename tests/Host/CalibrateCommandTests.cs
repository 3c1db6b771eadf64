using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;

namespace RobotActors.Host.Tests;

/// <summary>Issue 12.1: `calibrate --from-file` with a broken file writes nothing, to the servos or to the calibration folder.</summary>
[Collection("console")]
public sealed class CalibrateCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ra-calcli-");

    public void Dispose() => _dir.Delete(true);

    private static string Json(string shoulderPan) =>
        "{\"shoulder_pan\": {" + shoulderPan + "}," + string.Join(",", new[] { "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper" }
            .Select((name, i) => $"\"{name}\": {{\"id\": {i + 2}, \"drive_mode\": 0, \"homing_offset\": 10, \"range_min\": 800, \"range_max\": 3200}}")) + "}";

    private Task<(int Code, string Out, string Err)> Calibrate(ServoBusEmulator emu, string file) => InProcessCli.RunAsync(
        "calibrate", "--robot.type", "so101_follower", "--robot.port", emu.PortPath, "--robot.id", "arm",
        "--robot.calibration_dir", Path.Combine(_dir.FullName, "cal"), "--from-file", file);

    [Fact]
    public async Task A_misspelled_and_a_missing_key_are_refused_and_nothing_reaches_the_servos()
    {
        var file = Path.Combine(_dir.FullName, "from_lerobot.json");
        File.WriteAllText(file, Json("\"id\": 1, \"drive_mode\": 0, \"homing_ofset\": -1470, \"range_min\": 758"));
        using var emu = ServoBusEmulator.ForArm();

        var (code, output, error) = await Calibrate(emu, file);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"Calibration file '{file}' is not a valid calibration", error);
        Assert.Contains("shoulder_pan: unknown key 'homing_ofset' (did you mean 'homing_offset'?)", error);
        Assert.Contains("shoulder_pan: missing key 'range_max'", error);
        Assert.DoesNotContain("Calibration saved", output);
        Assert.All(emu.Servos, s => Assert.Equal(0, s.WritesReceived));
        Assert.Equal(4095, emu.Servo(1).Get("Max_Position_Limit"));
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "cal", "arm.json")));

        // The corrected file is applied: the servos hold it and it is saved where the arm looks for it.
        File.WriteAllText(file, Json("\"id\": 1, \"drive_mode\": 0, \"homing_offset\": -1470, \"range_min\": 758, \"range_max\": 3292"));
        (code, output, error) = await Calibrate(emu, file);
        Assert.True(code == 0, error);
        Assert.Equal(3292, emu.Servo(1).Get("Max_Position_Limit"));
        Assert.Equal(-1470, emu.Servo(1).Get("Homing_Offset"));
        Assert.Equal(3292, CalibrationFile.Load(Path.Combine(_dir.FullName, "cal", "arm.json"))["shoulder_pan"].RangeMax);
    }
}
