using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Safety;
using RobotActors.Devices.Tests.Robots;

namespace RobotActors.Devices.Tests.Safety;

/// <summary>Issue 12.9: a console register write is checked whole before anything reaches a servo.</summary>
public sealed class RegisterWriteGuardTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ra-guard-");
    private readonly ServoBusEmulator _emu = ServoBusEmulator.ForArm();
    private readonly Arm _arm;

    public RegisterWriteGuardTests()
    {
        CalibrationFile.Save(Path.Combine(_dir.FullName, "g.json"), ArmTests.TestCalibration());
        _arm = new Arm(new ArmConfig { Type = "so101_follower", Port = _emu.PortPath, Id = "g", CalibrationDir = _dir.FullName, PacketTimeout = TimeSpan.FromMilliseconds(500) });
        _arm.Connect();
    }

    public void Dispose()
    {
        _arm.Dispose();
        _emu.Dispose();
        _dir.Delete(true);
    }

    private IReadOnlyList<PlannedWrite> Plan(string register, double value, params int[] ids) =>
        RegisterWriteGuard.Plan(_arm.Bus, register, value, ids, _arm.JointLimits());

    [Theory]
    [InlineData("Goal_Position", 170.0, new[] { 2 }, "Goal_Position 170 for shoulder_lift is outside its joint limits [-87.912, 87.912] (from the calibration)")]
    [InlineData("Goal_Position", double.NaN, new int[0], "not a number")]
    [InlineData("P_Coefficient", 300.0, new int[0], "P_Coefficient 300 does not fit the register (P_Coefficient takes 0..255.)")]
    [InlineData("P_Coefficient", 2.5, new int[0], "P_Coefficient takes a whole number of register units, got 2.5")]
    [InlineData("Goal_Velocity", 40000.0, new int[0], "Goal_Velocity 40000 does not fit the register")]
    [InlineData("Torque_Enable", 2.0, new int[0], "Torque_Enable takes 0 or 1, got 2")]
    [InlineData("Max_Position_Limit", 4095.0, new int[0], "Max_Position_Limit is not written from the console: `robotactors calibrate` writes calibration")]
    [InlineData("ID", 9.0, new[] { 1 }, "ID is not written from the console: `robotactors setup-motors` sets ids")]
    [InlineData("Goal_Position", 0.0, new[] { 7 }, "no motor with id 7")]
    public void A_write_outside_the_rules_is_refused_and_reaches_no_servo(string register, double value, int[] ids, string expected)
    {
        var before = _emu.Servos.Sum(s => s.WritesReceived);
        var e = Assert.Throws<ArgumentException>(() => Plan(register, value, ids));
        Assert.Contains(expected, e.Message);
        Assert.EndsWith("Nothing was written.", e.Message);
        Assert.Equal(before, _emu.Servos.Sum(s => s.WritesReceived));
        Assert.Throws<KeyNotFoundException>(() => Plan("Goal_Positon", 1));
    }

    [Fact]
    public void A_write_inside_the_rules_is_encoded_for_each_chosen_motor()
    {
        var plan = Plan("Goal_Position", 45, 1, 3);
        Assert.Equal(["shoulder_pan", "elbow_flex"], plan.Select(p => p.Motor.Name));
        // Range 1000..3000, middle 2000: 45 degrees is 45 * 4095 / 360 = 511.9 steps above it.
        Assert.All(plan, p => Assert.Equal(2511, p.Encoded));
        Assert.Equal(6, Plan("P_Coefficient", 20).Count);
        Assert.Equal(1, Plan("Torque_Enable", 1, 6).Single().Encoded);
    }
}
