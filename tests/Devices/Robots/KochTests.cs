using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Safety;
using RobotActors.Devices.Teleoperators;

namespace RobotActors.Devices.Tests.Robots;

/// <summary>Koch arms on emulated DYNAMIXEL buses (Protocol 2.0) through pseudo-terminals.</summary>
public sealed class KochTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ra-koch-");

    public void Dispose() => _dir.Delete(true);

    private static readonly string[] FollowerModels = ["xl430-w250", "xl430-w250", "xl330-m288", "xl330-m288", "xl330-m288", "xl330-m288"];
    private static readonly string[] LeaderModels = ["xl330-m077", "xl330-m077", "xl330-m077", "xl330-m077", "xl330-m077", "xl330-m077"];

    private ArmConfig Config(string type, ServoBusEmulator emu, string id) => new()
    {
        Type = type, Port = emu.PortPath, Id = id, CalibrationDir = _dir.FullName, PacketTimeout = TimeSpan.FromMilliseconds(500),
    };

    [Fact]
    public void Koch_follower_connects_configures_and_tracks_a_koch_leader()
    {
        CalibrationFile.Save(Path.Combine(_dir.FullName, "f.json"), ArmTests.TestCalibration());
        CalibrationFile.Save(Path.Combine(_dir.FullName, "l.json"), ArmTests.TestCalibration());
        using var followerBus = ServoBusEmulator.ForDynamixelArm(FollowerModels);
        using var leaderBus = ServoBusEmulator.ForDynamixelArm(LeaderModels);
        using var follower = new Arm(Config("koch_follower", followerBus, "f"));
        using var leader = new Arm(Config("koch_leader", leaderBus, "l"));
        follower.Connect();
        leader.Connect();

        Assert.True(follower.IsCalibrated());
        Assert.Equal(4, followerBus.Servo(1).Get("Operating_Mode"));   // extended position
        Assert.Equal(5, followerBus.Servo(6).Get("Operating_Mode"));   // gripper: current-based position
        Assert.Equal(1500, followerBus.Servo(3).Get("Position_P_Gain")); // elbow gains
        Assert.Equal(600, followerBus.Servo(3).Get("Position_D_Gain"));
        Assert.All(followerBus.Servos, s => Assert.True(s.TorqueEnabled));
        Assert.False(leaderBus.Servo(1).TorqueEnabled);
        Assert.True(leaderBus.Servo(6).TorqueEnabled); // the leader's gripper is a trigger
        // Koch keeps -100..100 for joints: raw 2047 in 1000..3000 is (1047 / 2000) * 200 - 100 = 4.7
        Assert.Equal(4.7, follower.GetObservation()["shoulder_pan.pos"], 6);

        foreach (var s in leaderBus.Servos.Where(s => s.Id != 6))
        {
            var target = 1600 + 100 * s.Id;
            s.MoveByHand(target);
        }
        var loop = new TeleoperationLoop(new LeaderArmTeleoperator(leader), follower,
            new SafetyStep(new SafetyLimits { Joints = follower.JointLimits() }));
        loop.Run(fps: 60, duration: TimeSpan.FromSeconds(0.8), CancellationToken.None);
        Thread.Sleep(200);
        foreach (var id in Enumerable.Range(1, 5))
        {
            var lead = leaderBus.Servo(id).ActualPosition;
            var follow = followerBus.Servo(id).ActualPosition;
            Assert.True(Math.Abs(lead - follow) <= 2, $"servo {id}: leader {lead:F0}, follower {follow:F0}");
        }
    }

    [Fact]
    public void Dynamixel_scan_finds_the_models_and_homing_adds_the_offset()
    {
        using var emu = ServoBusEmulator.ForDynamixelArm(FollowerModels);
        emu.Servo(2).MoveByHand(3000);
        using var bus = new RobotActors.Devices.Dynamixel.DynamixelBus(RobotActors.Devices.Serial.SerialTransports.Open(emu.PortPath, 1_000_000),
            ArmSpec.For("koch_follower").NamedMotors(false)) { PacketTimeout = TimeSpan.FromMilliseconds(250) };
        var found = BusScanner.Scan(bus, [1_000_000, 57_600]);
        var at1M = Assert.Single(found);
        Assert.Equal([1060, 1060, 1200, 1200, 1200, 1200], at1M.Models.Values);
        var offsets = bus.SetHalfTurnHomings(["shoulder_lift"]);
        // DYNAMIXEL: Present = Actual + offset, so offset = 2047 - 3000 = -953
        Assert.Equal(-953, offsets["shoulder_lift"]);
        Assert.Equal(2047, bus.Read("Present_Position", "shoulder_lift", normalize: false));
        Assert.Equal(-953, bus.Read("Homing_Offset", "shoulder_lift", normalize: false));
    }
}
