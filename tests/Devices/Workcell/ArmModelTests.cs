using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Workcell;
using RobotActors.Devices.Workcell.Physics;

namespace RobotActors.Devices.Tests.Workcell;

/// <summary>The shipped URDFs: found from any folder, loaded by the kinematics, and the sim's calibration maps ticks to their angles as LeRobot does.</summary>
public sealed class ArmModelTests
{
    private static readonly string[] BodyJoints = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll"];

    [Fact]
    public void Forward_kinematics_of_the_so101_at_zero_puts_the_gripper_frame_where_the_published_model_does()
    {
        // Relative path, as a LeRobot config writes urdf_path; resolved next to the executable.
        var model = UrdfModel.Load("models/so101.urdf");
        var k = new RobotKinematics(model, "gripper_frame_link", BodyJoints);
        var p = k.ForwardKinematics([0, 0, 0, 0, 0]).P;
        Assert.Equal(0.3914, p[0], 4);
        Assert.Equal(0.0000, p[1], 4);
        Assert.Equal(0.2265, p[2], 4);
        // Elbow bent 90° (positive = forearm down): the gripper frame drops well below the elbow.
        Assert.True(k.ForwardKinematics([0, 0, 90, 0, 0]).P[2] < 0.1);
    }

    [Fact]
    public void Each_shipped_model_is_found_by_arm_type_and_has_the_lerobot_joints_and_end_effector()
    {
        foreach (var type in new[] { "so101_follower", "so100_follower", "so101_leader", "so100" })
        {
            var path = ArmModels.UrdfPath(type);
            Assert.True(Path.IsPathRooted(path) && File.Exists(path), path);
            var model = UrdfModel.Load(path);
            Assert.Equal(ArmSpec.MotorNames, model.Joints.Where(j => j.Moves).Select(j => j.Name));
            Assert.Contains("gripper_frame_link", model.Links);
            Assert.True(model.LinkDetails["gripper_link"].Collisions.Count >= 2, $"{type}: the gripper needs a body and a fixed jaw");
            Assert.True(model.LinkDetails.Values.Sum(l => l.Mass) > 0.5);
        }
        Assert.Contains("so101", Assert.Throws<ArgumentException>(() => ArmModels.UrdfPath("koch_follower")).Message);
    }

    [Fact]
    public void The_calibration_is_written_where_the_arm_of_a_config_looks_for_it()
    {
        var dir = Directory.CreateTempSubdirectory("ra-simcal-");
        try
        {
            using var cell = new RobotActors.Devices.Workcell.Workcell();
            var config = new ArmConfig { Type = "so101_follower", Port = cell.PortPath, Id = "follower", CalibrationDir = dir.FullName };
            var path = cell.SaveCalibration(config);
            Assert.Equal(Path.Combine(dir.FullName, "follower.json"), path);
            using var arm = new Arm(config);
            Assert.Equal(cell.Calibration.OrderBy(kv => kv.Key), arm.Calibration!.OrderBy(kv => kv.Key));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Sim_calibration_maps_raw_ticks_to_the_urdf_angles_the_way_lerobot_normalizes()
    {
        var model = ArmModels.Load("so101_follower");
        var spec = ArmSpec.For("so101_follower");
        var mechanism = new ArmMechanism(model, ArmSpec.MotorNames);
        var calibration = JointServoMap.DerivedCalibration(mechanism, spec);
        Assert.Equal((0, 4095), (calibration["wrist_roll"].RangeMin, calibration["wrist_roll"].RangeMax));
        foreach (var motor in spec.NamedMotors(useDegrees: true))
        {
            var body = mechanism.Bodies[mechanism.BodyOfJoint[Array.IndexOf(mechanism.JointNames, motor.Name)]];
            var cal = calibration[motor.Name];
            var map = new JointServoMap(motor.Name, cal, motor.Name == "gripper", body.Lower, body.Upper);
            foreach (var fraction in new[] { 0.0, 0.25, 0.5, 0.9, 1.0 })
            {
                var angle = body.Lower + fraction * (body.Upper - body.Lower);
                var raw = (int)Math.Round(map.PresentOf(angle));
                // The robot stack's own normalization (LeRobot's formulas) reads the angle back.
                var read = Normalization.Normalize(raw, cal, motor.Motor.NormMode, 4096, applyDriveMode: true);
                if (motor.Name == "gripper")
                    Assert.Equal(fraction * 100, read, 0.1); // 0 = closed (lower limit), 100 = open
                else
                    Assert.Equal(angle * 180 / Math.PI, read, 0.1); // degrees, 0 at mid-range
            }
            if (motor.Name is not ("gripper" or "wrist_roll"))
            {
                Assert.Equal(2047, (cal.RangeMin + cal.RangeMax) / 2.0); // zero at mid-range
                Assert.True(Normalization.Normalize(cal.RangeMax, cal, MotorNormMode.Degrees, 4096, true) >= body.Upper * 180 / Math.PI - 0.1);
            }
        }
    }
}
