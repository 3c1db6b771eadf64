using RobotActors.Devices.Emulator;
using RobotActors.Devices.Feetech;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Serial;

namespace RobotActors.Devices.Tests.Emulator;

/// <summary>The Feetech bus against the emulator through a real pseudo-terminal.</summary>
public class EmulatorRoundTripTests
{
    private static readonly string[] Names = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"];

    private static List<NamedMotor> Arm() =>
        Names.Select((n, i) => new NamedMotor(n, new Motor(i + 1, "sts3215", n == "gripper" ? MotorNormMode.Range0To100 : MotorNormMode.Degrees))).ToList();

    // A generous deadline: the test machine is shared and busy; the fault tests set their own.
    private static FeetechBus Open(ServoBusEmulator emu, IReadOnlyDictionary<string, MotorCalibration>? cal = null) =>
        new(SerialTransports.Open(emu.PortPath, 1_000_000), Arm(), cal) { PacketTimeout = TimeSpan.FromMilliseconds(500) };

    [Fact]
    public void Scan_finds_six_sts3215_and_a_servo_at_another_baud_rate()
    {
        var servos = Enumerable.Range(1, 6).Select(id => new EmulatedServo(id)).ToList();
        var odd = new EmulatedServo(9);
        odd.Set("Baud_Rate", 1); // 500 kbit/s
        using var emu = new ServoBusEmulator([.. servos, odd]);
        using var bus = Open(emu);
        bus.PacketTimeout = TimeSpan.FromMilliseconds(250); // empty baud rates each cost two of these
        var results = BusScanner.Scan(bus);
        var at1M = Assert.Single(results, r => r.BaudRate == 1_000_000);
        Assert.Equal([1, 2, 3, 4, 5, 6], at1M.Models.Keys);
        Assert.All(at1M.Models.Values, model => Assert.Equal(777, model));
        Assert.Equal("sts3215", bus.ModelNameOf(at1M.Models[1]));
        var at500k = Assert.Single(results, r => r.BaudRate == 500_000);
        Assert.Equal([9], at500k.Models.Keys);
        Assert.Equal(2, results.Count);
        Assert.True(emu.IgnoredAtWrongBaudRate > 0);
    }

    [Fact]
    public void System_IO_Ports_transport_does_the_same_round_trips()
    {
        using var emu = ServoBusEmulator.ForArm();
        for (var id = 1; id <= 6; id++) emu.Servo(id).MoveByHand(900 + id);
        using var bus = new FeetechBus(SerialTransports.Open(emu.PortPath, 1_000_000, SerialTransportKind.DotNet), Arm())
        {
            PacketTimeout = TimeSpan.FromMilliseconds(500),
        };
        Assert.IsType<SerialPortTransport>(bus.Transport);
        Assert.Equal(777, bus.Ping(2));
        Assert.Equal([901, 902, 903, 904, 905, 906], bus.SyncRead("Present_Position", normalize: false).Values.Select(v => (int)v));
        bus.Write("Torque_Enable", "gripper", 1);
        Assert.True(emu.Servo(6).TorqueEnabled);
        emu.CorruptNextReplies = 1;
        Assert.Equal(906, bus.Read("Present_Position", "gripper", normalize: false, numRetry: 1));
        Assert.Equal(1, bus.Statistics.CorruptPackets);
    }

    [Fact]
    public void Ping_returns_the_model_and_a_missing_id_returns_null()
    {
        using var emu = ServoBusEmulator.ForArm();
        using var bus = Open(emu);
        Assert.Equal(777, bus.Ping(3));
        Assert.Null(bus.Ping(7));
    }

    [Fact]
    public void Reads_and_writes_by_register_name()
    {
        using var emu = ServoBusEmulator.ForArm();
        using var bus = Open(emu);
        Assert.Equal(777, bus.Read("Model_Number", "elbow_flex"));
        bus.Write("Return_Delay_Time", "elbow_flex", 3);
        Assert.Equal(3, emu.Servo(3).Get("Return_Delay_Time"));
        Assert.Equal(3, bus.Read("Return_Delay_Time", "elbow_flex"));
        bus.Write("Return_Delay_Time", "elbow_flex", 0);

        bus.Write("Torque_Enable", "elbow_flex", 1);
        bus.Write("Goal_Position", "elbow_flex", 2200, normalize: false);
        var deadline = DateTime.UtcNow.AddSeconds(2);
        double present;
        do present = bus.Read("Present_Position", "elbow_flex", normalize: false);
        while (present != 2200 && DateTime.UtcNow < deadline);
        Assert.Equal(2200, present);
        Assert.InRange(bus.Read("Present_Temperature", "elbow_flex"), 20, 70);
        var e = Assert.Throws<KeyNotFoundException>(() => bus.Read("Goal_Positon", "elbow_flex"));
        Assert.Contains("Goal_Position", e.Message);
    }

    [Fact]
    public void Sync_read_of_six_positions()
    {
        using var emu = ServoBusEmulator.ForArm();
        for (var id = 1; id <= 6; id++) emu.Servo(id).MoveByHand(1000 + 100 * id);
        using var bus = Open(emu);
        var positions = bus.SyncRead("Present_Position", normalize: false);
        Assert.Equal(Names, positions.Keys);
        Assert.Equal([1100, 1200, 1300, 1400, 1500, 1600], positions.Values.Select(v => (int)v));
    }

    [Fact]
    public void Sync_write_moves_every_servo_without_a_reply()
    {
        using var emu = ServoBusEmulator.ForArm();
        using var bus = Open(emu);
        bus.EnableTorque();
        var repliesBefore = emu.RepliesSent;
        bus.SyncWrite("Goal_Position", Names.ToDictionary(n => n, n => 1500.0), normalize: false);
        Thread.Sleep(400); // 547 steps at 3000 steps/s
        Assert.Equal(repliesBefore, emu.RepliesSent);
        Assert.All(Enumerable.Range(1, 6), id => Assert.Equal(1500, emu.Servo(id).ActualPosition));
    }

    [Fact]
    public void Reg_write_waits_for_action()
    {
        using var emu = ServoBusEmulator.ForArm();
        using var bus = Open(emu);
        bus.EnableTorque();
        bus.RegWriteRaw(1, 42, 2, 1800);
        bus.RegWriteRaw(2, 42, 2, 2300);
        Assert.Equal(2047, emu.Servo(1).Get("Goal_Position"));
        bus.Action();
        Thread.Sleep(50);
        Assert.Equal(1800, emu.Servo(1).Get("Goal_Position"));
        Assert.Equal(2300, emu.Servo(2).Get("Goal_Position"));
    }

    [Fact]
    public void Corrupt_replies_are_retried_and_counted()
    {
        using var emu = ServoBusEmulator.ForArm();
        using var bus = Open(emu);
        emu.CorruptNextReplies = 1;
        Assert.Equal(6, bus.SyncRead("Present_Position", normalize: false, numRetry: 2).Count);
        Assert.Equal(1, emu.RepliesCorrupted);
        Assert.Equal(1, bus.Statistics.CorruptPackets);
        Assert.Equal(1, bus.Statistics.Retries);
        Assert.Equal(0, bus.Statistics.Failures);

        emu.CorruptNextReplies = 5;
        var e = Assert.Throws<MotorBusCommunicationException>(() => bus.Read("Present_Position", "gripper", normalize: false, numRetry: 1));
        Assert.Contains("Incorrect status packet", e.Message);
        Assert.Equal(1, bus.Statistics.Failures);
        emu.CorruptNextReplies = 0;
    }

    [Fact]
    public void A_mute_servo_times_out_and_is_counted()
    {
        using var emu = ServoBusEmulator.ForArm(faults: EmulatorFaults.Parse("mute=4"));
        using var bus = Open(emu);
        bus.PacketTimeout = TimeSpan.FromMilliseconds(100);
        var e = Assert.Throws<MotorBusCommunicationException>(() => bus.SyncRead("Present_Position", numRetry: 1, normalize: false));
        Assert.Contains("There is no status packet", e.Message);
        Assert.Contains("wrist_flex", e.Message);
        Assert.Equal(2, bus.Statistics.Timeouts);
        emu.MutedIds.Clear();
        Assert.Equal(6, bus.SyncRead("Present_Position", normalize: false).Count);
    }

    [Fact]
    public void Slow_replies_beyond_the_deadline_time_out_and_within_it_succeed()
    {
        using var emu = ServoBusEmulator.ForArm(faults: EmulatorFaults.Parse("slow=80ms"));
        using var bus = Open(emu);
        bus.PacketTimeout = TimeSpan.FromMilliseconds(20);
        Assert.Throws<MotorBusCommunicationException>(() => bus.Read("Present_Position", "gripper", normalize: false));
        bus.PacketTimeout = TimeSpan.FromMilliseconds(500);
        Assert.Equal(2047, bus.Read("Present_Position", "gripper", normalize: false));
    }

    [Fact]
    public void Status_error_bits_raise_a_motor_error()
    {
        using var emu = ServoBusEmulator.ForArm(faults: EmulatorFaults.Parse("error=2:overload"));
        using var bus = Open(emu);
        var e = Assert.Throws<MotorErrorException>(() => bus.Read("Present_Position", "shoulder_lift", normalize: false));
        Assert.Equal("shoulder_lift", e.Motor);
        Assert.Contains("overload", e.Message);
    }

    [Fact]
    public void Unplug_is_a_connection_error_and_replug_through_a_stable_link_works()
    {
        var link = Path.Combine(Path.GetTempPath(), $"ra-emu-{Guid.NewGuid():N}");
        using var emu = ServoBusEmulator.ForArm(linkPath: link);
        var bus = Open(emu);
        Assert.Equal(777, bus.Ping(1));
        emu.Unplug();
        Assert.ThrowsAny<MotorBusConnectionException>(() => bus.SyncRead("Present_Position", normalize: false, numRetry: 2));
        bus.Dispose();
        emu.Replug();
        using var again = Open(emu);
        Assert.Equal(777, again.Ping(1));
    }

    [Fact]
    public void Calibration_written_to_the_motors_is_recognised_by_a_new_connection()
    {
        using var emu = ServoBusEmulator.ForArm();
        for (var id = 1; id <= 6; id++) emu.Servo(id).MoveByHand(2500);
        using (var bus = Open(emu))
        {
            var offsets = bus.SetHalfTurnHomings();
            // Feetech: offset = present - 2047 = 2500 - 2047 = 453
            Assert.All(offsets.Values, o => Assert.Equal(453, o));
            Assert.Equal(2047, bus.Read("Present_Position", "wrist_flex", normalize: false));
            var cal = bus.ReadCalibration();
            cal = cal.ToDictionary(kv => kv.Key, kv => kv.Value with { RangeMin = 1000, RangeMax = 3000 });
            bus.WriteCalibration(cal);
            Assert.True(bus.IsCalibrated());
        }
        // A new connection (as after a power cycle) with the same file: no need to calibrate again.
        using var reconnected = Open(emu, Names.ToDictionary(n => n, n => new MotorCalibration(Array.IndexOf(Names, n) + 1, 0, 453, 1000, 3000)));
        Assert.True(reconnected.IsCalibrated());
        // 2047 with range 1000..3000: mid = 2000, (2047 - 2000) * 360 / 4095 = 4.13°
        Assert.Equal(47 * 360.0 / 4095, reconnected.Read("Present_Position", "elbow_flex"), 6);
    }
}
