using System.Xml.Linq;
using RobotActors.Devices.Kinematics;

namespace RobotActors.Devices.Tests.Kinematics;

public class KinematicsTests
{
    // Two unit links turning about z, 0.1 m above the base, then a fixed tool frame turned 90° about z,
    // and a gripper jaw that hangs off the tool (not on the chain to the tool frame).
    private const string PlanarArm = """
        <robot name="planar">
          <link name="base"/><link name="link1"/><link name="link2"/><link name="gripper_frame_link"/><link name="jaw"/>
          <joint name="shoulder_pan" type="revolute">
            <parent link="base"/><child link="link1"/><origin xyz="0 0 0.1" rpy="0 0 0"/><axis xyz="0 0 1"/>
            <limit lower="-3.14159" upper="3.14159" effort="1" velocity="1"/>
          </joint>
          <joint name="elbow_flex" type="revolute">
            <parent link="link1"/><child link="link2"/><origin xyz="1 0 0"/><axis xyz="0 0 1"/>
            <limit lower="-3.14159" upper="3.14159" effort="1" velocity="1"/>
          </joint>
          <joint name="tool" type="fixed">
            <parent link="link2"/><child link="gripper_frame_link"/><origin xyz="1 0 0" rpy="0 0 1.5707963267948966"/>
          </joint>
          <joint name="gripper" type="revolute">
            <parent link="gripper_frame_link"/><child link="jaw"/><axis xyz="1 0 0"/><limit lower="0" upper="1" effort="1" velocity="1"/>
          </joint>
        </robot>
        """;

    private static RobotKinematics Arm() => new(UrdfModel.Parse(XDocument.Parse(PlanarArm)));

    [Fact]
    public void Forward_kinematics_matches_hand_computed_poses()
    {
        var k = Arm();
        Assert.Equal(["shoulder_pan", "elbow_flex"], k.JointNames);
        // (0°, 0°): both links along x → tip (2, 0, 0.1); tool turned 90° about z → its x axis is world y.
        var t = k.ForwardKinematics([0, 0, 0]);
        Assert.Equal([2, 0, 0.1], t.P.Select(v => Math.Round(v, 9)));
        Assert.Equal(1, t.ToMatrix()[1, 0], 9);
        // (90°, 0°): the arm points along y → (0, 2, 0.1)
        Assert.Equal([0, 2, 0.1], k.ForwardKinematics([90, 0]).P.Select(v => Math.Round(v, 9)));
        // (90°, -90°): first link to (0, 1), second turns back to +x → (1, 1, 0.1)
        Assert.Equal([1, 1, 0.1], k.ForwardKinematics([90, -90]).P.Select(v => Math.Round(v, 9)));
    }

    [Fact]
    public void Rpy_is_roll_about_x_then_pitch_about_y_then_yaw_about_z()
    {
        // roll 90°: y → z
        var roll = Transform.FromXyzRpy([0, 0, 0], [Math.PI / 2, 0, 0]);
        Assert.Equal([0, 0, 1], roll.Rotate([0, 1, 0]).Select(v => Math.Round(v, 9)));
        // roll 90° then yaw 90°: y → z (roll) → z (yaw keeps z); x → x (roll) → y (yaw)
        var both = Transform.FromXyzRpy([0, 0, 0], [Math.PI / 2, 0, Math.PI / 2]);
        Assert.Equal([0, 1, 0], both.Rotate([1, 0, 0]).Select(v => Math.Round(v, 9)));
    }

    [Fact]
    public void One_dls_step_moves_toward_the_target_and_iterating_converges()
    {
        var k = Arm();
        var target = k.ForwardKinematics([30, 45]);
        double[] start = [0, 10, 0.5];
        var before = k.PositionError(start, target);
        var stepped = k.InverseKinematics(start, target);
        Assert.True(k.PositionError(stepped, target) < before, $"one step must reduce the error: {before} -> {k.PositionError(stepped, target)} q={string.Join(",", stepped)} target={string.Join(",", target.P)}");
        Assert.Equal(0.5, stepped[2]); // the gripper value passes through
        var (q, error, iterations) = k.InverseKinematicsConverged(start, target);
        Assert.True(error < 1e-4, $"error {error} after {iterations} iterations");
        Assert.True(iterations > 1);
        Assert.Equal(0.5, q[2]);
    }

    [Fact]
    public void End_effector_bounds_clamp_and_count()
    {
        var bounds = new EndEffectorBounds([-1, -1, 0], [1, 1, 1]);
        Assert.Equal([1, -0.5, 0], bounds.Clamp([3, -0.5, -2]));
        Assert.Equal([0.5, 0.5, 0.5], bounds.Clamp([0.5, 0.5, 0.5]));
        Assert.Equal(1, bounds.ClampCount);
    }

    [Fact]
    public void Bad_urdf_names_the_problem()
    {
        var e = Assert.Throws<InvalidDataException>(() => UrdfModel.Parse(XDocument.Parse(
            """<robot name="x"><link name="a"/><joint name="j" type="planar"><parent link="a"/><child link="a"/></joint></robot>""")));
        Assert.Contains("type 'planar'", e.Message);
        var k = UrdfModel.Parse(XDocument.Parse(PlanarArm));
        Assert.Contains("Links:", Assert.Throws<ArgumentException>(() => k.ChainTo("hand")).Message);
    }

    [Fact]
    public void Joint_limits_recorder_tracks_joints_and_end_effector_bounds()
    {
        var recorder = new JointLimitsRecorder(Arm());
        recorder.Record(new Dictionary<string, double> { ["shoulder_pan.pos"] = 0, ["elbow_flex.pos"] = 0, ["gripper.pos"] = 10 });
        recorder.Record(new Dictionary<string, double> { ["shoulder_pan.pos"] = 90, ["elbow_flex.pos"] = -90, ["gripper.pos"] = double.NaN });
        Assert.Equal((0.0, 90.0), recorder.Joints["shoulder_pan.pos"]);
        Assert.Equal((-90.0, 0.0), recorder.Joints["elbow_flex.pos"]);
        Assert.Equal((10.0, 10.0), recorder.Joints["gripper.pos"]);
        // tips: (2, 0, 0.1) and (1, 1, 0.1)
        Assert.Equal([1, 0, 0.1], recorder.EeMin!.Select(v => Math.Round(v, 9)));
        Assert.Equal([2, 1, 0.1], recorder.EeMax!.Select(v => Math.Round(v, 9)));
    }
}
