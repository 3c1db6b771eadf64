using System.Xml.Linq;
using RobotActors.Devices.Emulator;
using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Safety;
using RobotActors.Devices.Serial;
using RobotActors.Devices.Teleoperators;
using RobotActors.Devices.Tests.Robots;

namespace RobotActors.Devices.Tests.Teleoperators;

/// <summary>A gamepad (through a FIFO) drives an emulated SO-101 follower in end-effector space via IK.</summary>
public sealed class EndEffectorTeleopTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ra-ee-");

    public void Dispose() => _dir.Delete(true);

    // A five-joint arm shaped like an SO-101: pan about z, then three pitch joints about y, then roll.
    private const string Urdf = """
        <robot name="arm5">
          <link name="base"/><link name="l1"/><link name="l2"/><link name="l3"/><link name="l4"/><link name="l5"/><link name="gripper_frame_link"/>
          <joint name="shoulder_pan" type="revolute"><parent link="base"/><child link="l1"/><origin xyz="0 0 0.05"/><axis xyz="0 0 1"/><limit lower="-3.2" upper="3.2"/></joint>
          <joint name="shoulder_lift" type="revolute"><parent link="l1"/><child link="l2"/><origin xyz="0 0 0.05"/><axis xyz="0 1 0"/><limit lower="-3.2" upper="3.2"/></joint>
          <joint name="elbow_flex" type="revolute"><parent link="l2"/><child link="l3"/><origin xyz="0.11 0 0"/><axis xyz="0 1 0"/><limit lower="-3.2" upper="3.2"/></joint>
          <joint name="wrist_flex" type="revolute"><parent link="l3"/><child link="l4"/><origin xyz="0.13 0 0"/><axis xyz="0 1 0"/><limit lower="-3.2" upper="3.2"/></joint>
          <joint name="wrist_roll" type="revolute"><parent link="l4"/><child link="l5"/><origin xyz="0.05 0 0"/><axis xyz="1 0 0"/><limit lower="-3.2" upper="3.2"/></joint>
          <joint name="tip" type="fixed"><parent link="l5"/><child link="gripper_frame_link"/><origin xyz="0.05 0 0"/></joint>
        </robot>
        """;

    [Fact]
    public void Holding_the_right_stick_up_raises_the_end_effector_of_the_follower()
    {
        CalibrationFile.Save(Path.Combine(_dir.FullName, "f.json"), ArmTests.TestCalibration());
        using var emu = ServoBusEmulator.ForArm();
        using var follower = new Arm(new ArmConfig
        {
            Type = "so101_follower", Port = emu.PortPath, Id = "f", CalibrationDir = _dir.FullName,
            PacketTimeout = TimeSpan.FromMilliseconds(500),
        });
        follower.Connect();
        var kinematics = new RobotKinematics(UrdfModel.Parse(XDocument.Parse(Urdf)), "gripper_frame_link",
            ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll"]);
        var startObservation = follower.GetObservation();
        var startZ = kinematics.ForwardKinematics(startObservation).P[2];
        // raw 2047 in the gripper's 2000..3000: (2047 - 2000) / 1000 * 100 = 4.7
        Assert.Equal(4.7, startObservation["gripper.pos"], 6);

        var fifo = Path.Combine(_dir.FullName, "js0");
        Assert.Equal(0, Libc.MkFifo(fifo, Convert.ToUInt32("600", 8)));
        using var pad = new GamepadTeleoperator(new JoystickDevice(fifo));
        using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write))
        {
            writer.Write(new JoystickEvent(0, -32767, JoystickEvent.Axis, 3).ToBytes()); // right stick up: delta_z = +1
            writer.Write(new JoystickEvent(0, 1, JoystickEvent.Button, GamepadTeleoperator.ButtonCloseGripper).ToBytes());
            writer.Flush();
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (pad.Joystick.EventsRead < 2 && DateTime.UtcNow < deadline) Thread.Sleep(5);
        }

        var mapper = new EndEffectorActionMapper(kinematics, new EndEffectorBounds([-1, -1, 0], [1, 1, startZ + 0.05]), [0.01, 0.01, 0.005]);
        var safety = new SafetyStep(new SafetyLimits { Joints = follower.JointLimits(), MaxStepPerTick = 10 });
        // The mapper alone (the simulated workcell's rollout uses it); the CLI and the actors run RobotActors.Rl's pipeline.
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(1.2);
        while (DateTime.UtcNow < end)
        {
            follower.SendAction(safety.Apply(mapper.Map(follower.GetObservation(), pad.GetAction())).Action);
            Thread.Sleep(33);
        }
        Thread.Sleep(200); // let the servos finish the last goal

        var observation = follower.GetObservation();
        var endZ = kinematics.ForwardKinematics(observation).P[2];
        Assert.True(endZ - startZ > 0.03, $"z went from {startZ:F3} to {endZ:F3}");
        Assert.True(endZ <= startZ + 0.05 + 0.005, $"z {endZ:F3} beyond the bound {startZ + 0.05:F3}");
        Assert.True(mapper.Target!.Value.P[2] <= startZ + 0.05 + 1e-9);
        Assert.True(observation["gripper.pos"] < 1, $"gripper at {observation["gripper.pos"]:F1} after holding close");
    }
}
