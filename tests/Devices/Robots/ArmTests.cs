using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Safety;
using RobotActors.Devices.Teleoperators;

namespace RobotActors.Devices.Tests.Robots;

/// <summary>SO-101 follower and leader arms on emulated buses through pseudo-terminals.</summary>
public sealed class ArmTests : IDisposable
{
    private readonly DirectoryInfo _calibrationDir = Directory.CreateTempSubdirectory("ra-cal-");

    public void Dispose() => _calibrationDir.Delete(true);

    internal static Dictionary<string, MotorCalibration> TestCalibration() => ArmSpec.MotorNames.Select((name, i) => (name, cal: name switch
    {
        "wrist_roll" => new MotorCalibration(i + 1, 0, 0, 0, 4095),
        "gripper" => new MotorCalibration(i + 1, 0, 0, 2000, 3000),
        _ => new MotorCalibration(i + 1, 0, 0, 1000, 3000),
    })).ToDictionary(x => x.name, x => x.cal);

    private ArmConfig Config(string type, ServoBusEmulator emu, string id = "test") => new()
    {
        Type = type, Port = emu.PortPath, Id = id, CalibrationDir = _calibrationDir.FullName,
        PacketTimeout = TimeSpan.FromMilliseconds(500), // generous: the test machine is shared and busy
    };

    private void WriteCalibrationFile(string id = "test") =>
        CalibrationFile.Save(Path.Combine(_calibrationDir.FullName, id + ".json"), TestCalibration());

    /// <summary>Fails the test if calibration asks anything.</summary>
    private sealed class NoQuestions : ICalibrationPrompt
    {
        public bool UseExistingCalibration(string path) => throw new InvalidOperationException("asked to calibrate again");
        public void WaitForMiddlePosition(string arm) => throw new InvalidOperationException("asked to calibrate again");
        public bool RangeRecordingDone(IReadOnlyDictionary<string, double> p) => throw new InvalidOperationException("asked to calibrate again");
    }

    [Fact]
    public void Follower_connects_with_a_lerobot_calibration_file_and_is_not_asked_again_after_a_power_cycle()
    {
        WriteCalibrationFile();
        using var emu = ServoBusEmulator.ForArm();
        using (var arm = new Arm(Config("so101_follower", emu)))
        {
            arm.Connect(prompt: new ScriptedCalibrationPrompt(useExisting: true));
            Assert.True(arm.IsCalibrated());
            Assert.Equal(["shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos"],
                arm.GetObservation().Keys);
            Assert.All(emu.Servos, s => Assert.True(s.TorqueEnabled));
            Assert.All(emu.Servos, s => Assert.Equal(0, s.Get("Return_Delay_Time")));
            Assert.Equal(500, emu.Servo(6).Get("Max_Torque_Limit"));
        }
        Assert.All(emu.Servos, s => Assert.False(s.TorqueEnabled)); // disable_torque_on_disconnect
        emu.PowerCycle();
        Assert.Equal(1000, emu.Servo(1).Get("Min_Position_Limit")); // EEPROM kept the calibration
        using var again = new Arm(Config("so101_follower", emu));
        again.Connect(prompt: new NoQuestions());
        Assert.True(again.IsCalibrated());
        Assert.All(emu.Servos, s => Assert.True(s.TorqueEnabled));
    }

    [Fact]
    public void Calibration_from_scratch_records_ranges_and_writes_lerobot_json()
    {
        using var emu = ServoBusEmulator.ForArm();
        foreach (var s in emu.Servos)
        {
            var id = s.Id;
            s.HandMotion = t => 2047 + 600 * Math.Sin(2 * Math.PI * 4 * t + id); // an operator sweeping every joint
        }
        using var arm = new Arm(Config("so101_follower", emu, "fresh"));
        arm.Connect(prompt: new ScriptedCalibrationPrompt(useExisting: false, recordFor: TimeSpan.FromMilliseconds(600)));
        var saved = CalibrationFile.Load(Path.Combine(_calibrationDir.FullName, "fresh.json"));
        Assert.Equal(ArmSpec.MotorNames, saved.Keys);
        Assert.Equal((0, 4095), (saved["wrist_roll"].RangeMin, saved["wrist_roll"].RangeMax));
        Assert.All(saved.Where(kv => kv.Key != "wrist_roll"), kv => Assert.True(kv.Value.RangeMax - kv.Value.RangeMin > 600, $"{kv.Key}: {kv.Value}"));
        Assert.Contains("\"range_min\"", File.ReadAllText(Path.Combine(_calibrationDir.FullName, "fresh.json")));
        Assert.True(arm.IsCalibrated());
    }

    [Fact]
    public void Without_a_calibration_file_or_an_operator_connect_refuses_with_the_fix()
    {
        using var emu = ServoBusEmulator.ForArm();
        using var arm = new Arm(Config("so101_follower", emu, "never_calibrated"));
        var e = Assert.Throws<NotCalibratedException>(() => arm.Connect());
        Assert.Contains("robotactors calibrate --robot.type so101_follower", e.Message);
        Assert.Equal($"robotactors calibrate --robot.type so101_follower --robot.port {emu.PortPath} --robot.id never_calibrated --robot.calibration_dir {_calibrationDir.FullName}", e.FixCommand);
        Assert.False(arm.IsConnected);
        Assert.Equal(0, emu.PacketsReceived); // refused before the port was opened: nothing was guessed or written
    }

    [Fact]
    public void A_missing_motor_is_named_with_the_fix()
    {
        WriteCalibrationFile();
        using var emu = ServoBusEmulator.ForArm(faults: EmulatorFaults.Parse("mute=4"));
        using var arm = new Arm(Config("so101_follower", emu));
        var e = Assert.Throws<MotorBusConnectionException>(() => arm.Connect());
        Assert.Contains("Missing motor IDs: wrist_flex (id 4)", e.Message);
        Assert.Contains("setup-motors", e.Message);
        Assert.False(arm.IsConnected);
    }

    [Fact]
    public void Max_relative_target_limits_each_goal_to_the_present_position_plus_the_limit()
    {
        WriteCalibrationFile();
        using var emu = ServoBusEmulator.ForArm();
        using var arm = new Arm(Config("so101_follower", emu) with { MaxRelativeTarget = 5.0 });
        arm.Connect();
        var present = arm.GetObservation();
        var sent = arm.SendAction(new Dictionary<string, double> { ["elbow_flex.pos"] = present["elbow_flex.pos"] + 40 });
        Assert.Equal(present["elbow_flex.pos"] + 5, sent["elbow_flex.pos"], 6);
    }

    [Fact]
    public void A_goal_beyond_the_joint_limits_is_clamped_before_the_bus()
    {
        WriteCalibrationFile();
        using var emu = ServoBusEmulator.ForArm();
        using var arm = new Arm(Config("so101_follower", emu));
        arm.Connect();
        var safety = new SafetyStep(new SafetyLimits { Joints = arm.JointLimits() });
        // shoulder_lift range 1000..3000, mid 2000: the limit is (3000 - 2000) * 360 / 4095 = 87.9°
        var outcome = safety.Apply(new Dictionary<string, double> { ["shoulder_lift.pos"] = 170.0 });
        Assert.Equal(1000 * 360.0 / 4095, outcome.Action["shoulder_lift.pos"], 6);
        Assert.Equal(1, safety.LimitClampCount);
        arm.SendAction(outcome.Action);
        Thread.Sleep(50);
        Assert.Equal(3000, emu.Servo(2).Get("Goal_Position"));
    }

    [Fact]
    public void Teleoperate_makes_the_follower_track_the_leader()
    {
        WriteCalibrationFile("leader");
        WriteCalibrationFile("follower");
        using var leaderBus = ServoBusEmulator.ForArm();
        using var followerBus = ServoBusEmulator.ForArm();
        foreach (var s in leaderBus.Servos)
        {
            var id = s.Id;
            var middle = id == 6 ? 2500 : 2047; // the gripper's calibrated range is 2000..3000
            s.HandMotion = t => middle + 300 * Math.Sin(2 * Math.PI * 0.5 * t + id); // a hand moving the leader arm
        }
        using var leader = new Arm(Config("so101_leader", leaderBus, "leader"));
        using var follower = new Arm(Config("so101_follower", followerBus, "follower"));
        leader.Connect();
        follower.Connect();
        Assert.All(leaderBus.Servos, s => Assert.False(s.TorqueEnabled));
        var safety = new SafetyStep(new SafetyLimits { Joints = follower.JointLimits(), MaxStepPerTick = 20 });
        var loop = new TeleoperationLoop(new LeaderArmTeleoperator(leader), follower, safety);
        // While the hand moves the leader, the follower moves with it...
        var seen = Enumerable.Range(1, 6).ToDictionary(id => id, id => (Min: double.MaxValue, Max: double.MinValue));
        var report = loop.Run(fps: 60, duration: TimeSpan.FromSeconds(1.5), CancellationToken.None, (_, _) =>
        {
            foreach (var id in seen.Keys.ToList())
            {
                var p = followerBus.Servo(id).ActualPosition;
                seen[id] = (Math.Min(seen[id].Min, p), Math.Max(seen[id].Max, p));
            }
        });
        Assert.True(report.Ticks > 30, $"only {report.Ticks} ticks");
        Assert.All(seen, kv => Assert.True(kv.Value.Max - kv.Value.Min > 100, $"servo {kv.Key} moved only {kv.Value.Max - kv.Value.Min:F0} steps"));
        // ...and once the hand holds still, the follower settles where the leader is.
        foreach (var s in leaderBus.Servos)
        {
            var hold = s.ActualPosition;
            s.HandMotion = _ => hold;
        }
        loop.Run(fps: 60, duration: TimeSpan.FromSeconds(0.5), CancellationToken.None);
        Thread.Sleep(200);
        foreach (var id in Enumerable.Range(1, 6))
        {
            var lead = leaderBus.Servo(id).ActualPosition;
            var follow = followerBus.Servo(id).ActualPosition;
            Assert.True(Math.Abs(lead - follow) <= 2, $"servo {id}: leader {lead:F0}, follower {follow:F0}");
        }
        Assert.Equal(0, report.ReadFailures);
    }

    [Fact]
    public void An_unplugged_follower_fails_fast_and_reconnects_calibrated_after_replug()
    {
        WriteCalibrationFile();
        var link = Path.Combine(Path.GetTempPath(), $"ra-arm-{Guid.NewGuid():N}");
        using var emu = ServoBusEmulator.ForArm(linkPath: link);
        using var arm = new Arm(Config("so101_follower", emu));
        arm.Connect();
        arm.GetObservation();
        emu.Unplug();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<MotorBusConnectionException>(() => arm.GetObservation());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"noticed after {clock.Elapsed}");
        arm.Disconnect(); // must not throw although the port is gone
        emu.Replug();
        arm.Connect(prompt: new NoQuestions()); // the motors kept their calibration
        Assert.Equal(6, arm.GetObservation().Count);
    }
}
