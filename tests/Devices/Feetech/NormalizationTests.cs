using RobotActors.Devices.Motors;

namespace RobotActors.Devices.Tests.Feetech;

public class NormalizationTests
{
    private static readonly MotorCalibration Cal = new(1, 0, -1470, 758, 3292);

    [Fact]
    public void Degrees_are_measured_from_the_middle_of_the_range_and_not_clamped()
    {
        // mid = (758 + 3292) / 2 = 2025; (2025 + 4095/4) ... use one step: (3048 - 2025) * 360 / 4095 = 89.93
        Assert.Equal(0.0, Normalization.Normalize(2025, Cal, MotorNormMode.Degrees, 4096, true), 6);
        Assert.Equal((3048 - 2025) * 360.0 / 4095, Normalization.Normalize(3048, Cal, MotorNormMode.Degrees, 4096, true), 6);
        // beyond range_max stays unclamped in degrees
        Assert.Equal((4000 - 2025) * 360.0 / 4095, Normalization.Normalize(4000, Cal, MotorNormMode.Degrees, 4096, true), 6);
        Assert.Equal(3048, Normalization.Unnormalize((3048 - 2025) * 360.0 / 4095 + 1e-9, Cal, MotorNormMode.Degrees, 4096, true));
    }

    [Fact]
    public void Ranges_clamp_and_drive_mode_inverts()
    {
        // (2025 - 758) / (3292 - 758) * 200 - 100 = 1267 / 2534 * 200 - 100 = 0
        Assert.Equal(0.0, Normalization.Normalize(2025, Cal, MotorNormMode.RangeM100To100, 4096, true), 6);
        Assert.Equal(100.0, Normalization.Normalize(4000, Cal, MotorNormMode.RangeM100To100, 4096, true), 6);
        Assert.Equal(100.0, Normalization.Normalize(3292, Cal, MotorNormMode.Range0To100, 4096, true), 6);
        var inverted = Cal with { DriveMode = 1 };
        Assert.Equal(0.0, Normalization.Normalize(3292, inverted, MotorNormMode.Range0To100, 4096, true), 6);
        Assert.Equal(-100.0, Normalization.Normalize(3292, inverted, MotorNormMode.RangeM100To100, 4096, true), 6);
        // unnormalize clamps to the range: 150 -> 100 -> range_max
        Assert.Equal(3292, Normalization.Unnormalize(150, Cal, MotorNormMode.Range0To100, 4096, true));
        Assert.Equal(758, Normalization.Unnormalize(-150, Cal, MotorNormMode.RangeM100To100, 4096, true));
    }

    [Fact]
    public void Degenerate_range_and_non_finite_values_are_refused()
    {
        Assert.Throws<InvalidOperationException>(() => Normalization.Normalize(100, Cal with { RangeMax = 758 }, MotorNormMode.Degrees, 4096, true));
        Assert.Throws<ArgumentException>(() => Normalization.Unnormalize(double.NaN, Cal, MotorNormMode.Degrees, 4096, true));
    }

    [Fact]
    public void Calibration_file_round_trips_lerobot_json()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var path = Path.Combine(dir.FullName, "robots", "so_follower", "my_arm.json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, """
                {"shoulder_pan": {"id": 1, "drive_mode": 0, "homing_offset": -1470, "range_min": 758, "range_max": 3292},
                 "gripper": {"id": 6, "drive_mode": 0, "homing_offset": 1296, "range_min": 2036, "range_max": 3308}}
                """);
            var cal = CalibrationFile.Load(path);
            Assert.Equal(new MotorCalibration(1, 0, -1470, 758, 3292), cal["shoulder_pan"]);
            Assert.Equal(1296, cal["gripper"].HomingOffset);
            CalibrationFile.Save(path, cal);
            Assert.Contains("\"homing_offset\": -1470", File.ReadAllText(path));
            Assert.Equal(cal["gripper"], CalibrationFile.Load(path)["gripper"]);
            File.WriteAllText(path, "{\"shoulder_pan\": 3}");
            var e = Assert.Throws<CalibrationException>(() => CalibrationFile.Load(path));
            Assert.Contains("calibrate", e.Message);
        }
        finally { dir.Delete(true); }
    }
}
