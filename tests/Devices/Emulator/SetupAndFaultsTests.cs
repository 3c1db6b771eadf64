using RobotActors.Devices.Emulator;
using RobotActors.Devices.Feetech;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Serial;

namespace RobotActors.Devices.Tests.Emulator;

public class SetupAndFaultsTests
{
    [Fact]
    public void Setup_motor_finds_a_factory_servo_at_another_baud_rate_and_gives_it_its_id()
    {
        var factory = new EmulatedServo(1);
        factory.Set("Baud_Rate", 4); // 115200
        using var emu = new ServoBusEmulator([factory]);
        using var bus = new FeetechBus(SerialTransports.Open(emu.PortPath, 1_000_000), []) { PacketTimeout = TimeSpan.FromMilliseconds(250) };
        var (foundId, foundBaud) = MotorSetup.SetupMotor(bus, "gripper", 6, "sts3215");
        Assert.Equal((1, 115_200), (foundId, foundBaud));
        Assert.Equal(6, factory.Id);
        Assert.Equal(1_000_000, factory.BaudRate);
        bus.PacketTimeout = TimeSpan.FromMilliseconds(500);
        Assert.Equal(777, bus.Ping(6, numRetry: 2));
    }

    [Fact]
    public void Setup_motor_refuses_when_several_servos_are_connected()
    {
        using var emu = ServoBusEmulator.ForArm(2);
        using var bus = new FeetechBus(SerialTransports.Open(emu.PortPath, 1_000_000), []) { PacketTimeout = TimeSpan.FromMilliseconds(250) };
        var e = Assert.Throws<InvalidOperationException>(() => MotorSetup.SetupMotor(bus, "gripper", 6, "sts3215"));
        Assert.Contains("connect only the 'gripper' motor", e.Message);
    }

    [Fact]
    public void Fault_text_is_parsed_and_mistakes_name_the_fix()
    {
        var f = EmulatorFaults.Parse("corrupt=0.05, slow=20ms, mute=3, unplug-after=10s, error=2:overheat");
        Assert.Equal(0.05, f.CorruptProbability);
        Assert.Equal(TimeSpan.FromMilliseconds(20), f.SlowReply);
        Assert.Contains(3, f.MutedIds);
        Assert.Equal(TimeSpan.FromSeconds(10), f.UnplugAfter);
        Assert.Equal(FeetechError.Overheat, f.Errors[2]);
        Assert.Contains("probability between 0 and 1", Assert.Throws<FormatException>(() => EmulatorFaults.Parse("corrupt=5")).Message);
        Assert.Contains("Known: corrupt", Assert.Throws<FormatException>(() => EmulatorFaults.Parse("wobble=1")).Message);
        Assert.Contains("earlier unplug-after", Assert.Throws<FormatException>(() => EmulatorFaults.Parse("replug-after=1s")).Message);
    }

    [Fact]
    public void Random_corruption_is_survived_with_retries_and_shows_in_the_counters()
    {
        using var emu = ServoBusEmulator.ForArm(faults: EmulatorFaults.Parse("corrupt=0.05"));
        using var bus = new FeetechBus(SerialTransports.Open(emu.PortPath, 1_000_000), []) { PacketTimeout = TimeSpan.FromMilliseconds(500) };
        // 5% of replies corrupted: an attempt of six replies succeeds with p = 0.95^6 = 0.74, so
        // eleven attempts all failing has p = 0.26^11 < 1e-6 per read.
        for (var i = 0; i < 60; i++)
            Assert.Equal(6, bus.SyncReadRaw(56, 2, [1, 2, 3, 4, 5, 6], numRetry: 10).Length);
        Assert.True(emu.RepliesCorrupted > 0);
        Assert.Equal(bus.Statistics.CorruptPackets, bus.Statistics.Retries);
        Assert.True(bus.Statistics.CorruptPackets > 0);
        Assert.Equal(0, bus.Statistics.Failures);
    }

    [Fact]
    public void Scheduled_unplug_and_replug_take_the_port_away_and_bring_it_back()
    {
        var link = Path.Combine(Path.GetTempPath(), $"ra-emu-{Guid.NewGuid():N}");
        using var emu = ServoBusEmulator.ForArm(faults: EmulatorFaults.Parse("unplug-after=0.3s,replug-after=0.6s"), linkPath: link);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (emu.IsPlugged && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.False(emu.IsPlugged);
        while (!emu.IsPlugged && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.True(emu.IsPlugged);
        using var bus = new FeetechBus(SerialTransports.Open(link, 1_000_000), []) { PacketTimeout = TimeSpan.FromMilliseconds(500) };
        Assert.Equal(777, bus.Ping(1, numRetry: 2));
    }
}
