using System.Xml.Linq;
using RobotActors.Devices.Emulator;
using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;

namespace RobotActors.Rl.Tests.Env;

/// <summary>
/// An SO-101 follower on the servo-bus emulator (a real pseudo-terminal and Feetech protocol), calibrated
/// with a test calibration, plus the SO-101's kinematic chain (joint origins and axes of the published
/// so101_new_calib URDF, reference §1.1).
/// </summary>
public sealed class TestArm : IDisposable
{
    public const string So101Urdf = """
        <robot name="so101">
          <link name="base_link"/><link name="shoulder_link"/><link name="upper_arm_link"/><link name="lower_arm_link"/>
          <link name="wrist_link"/><link name="gripper_link"/><link name="moving_jaw_so101_v1_link"/><link name="gripper_frame_link"/>
          <joint name="shoulder_pan" type="revolute"><parent link="base_link"/><child link="shoulder_link"/>
            <origin xyz="0.0388353 -8.97657e-09 0.0624" rpy="3.14159 4.18e-17 -3.14159"/><axis xyz="0 0 1"/><limit lower="-1.91986" upper="1.91986"/></joint>
          <joint name="shoulder_lift" type="revolute"><parent link="shoulder_link"/><child link="upper_arm_link"/>
            <origin xyz="-0.0303992 -0.0182778 -0.0542" rpy="-1.5708 -1.5708 0"/><axis xyz="0 0 1"/><limit lower="-1.74533" upper="1.74533"/></joint>
          <joint name="elbow_flex" type="revolute"><parent link="upper_arm_link"/><child link="lower_arm_link"/>
            <origin xyz="-0.11257 -0.028 1.7e-16" rpy="-3.6e-16 8.7e-16 1.5708"/><axis xyz="0 0 1"/><limit lower="-1.69" upper="1.69"/></joint>
          <joint name="wrist_flex" type="revolute"><parent link="lower_arm_link"/><child link="wrist_link"/>
            <origin xyz="-0.1349 0.0052 3.6e-17" rpy="4.0e-15 8.7e-16 -1.5708"/><axis xyz="0 0 1"/><limit lower="-1.65806" upper="1.65806"/></joint>
          <joint name="wrist_roll" type="revolute"><parent link="wrist_link"/><child link="gripper_link"/>
            <origin xyz="5.6e-17 -0.0611 0.0181" rpy="1.5708 0.0486795 3.14159"/><axis xyz="0 0 1"/><limit lower="-2.74385" upper="2.84121"/></joint>
          <joint name="gripper" type="revolute"><parent link="gripper_link"/><child link="moving_jaw_so101_v1_link"/>
            <origin xyz="0.0202 0.0188 -0.0234" rpy="1.5708 -5.2e-08 -1.4e-15"/><axis xyz="0 0 1"/><limit lower="-0.174533" upper="1.74533"/></joint>
          <joint name="gripper_frame_joint" type="fixed"><parent link="gripper_link"/><child link="gripper_frame_link"/>
            <origin xyz="-0.0079 -0.000218121 -0.0981274" rpy="0 3.14159 0"/></joint>
        </robot>
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ra-envsteps-");

    public TestArm()
    {
        UrdfPath = Path.Combine(_dir.FullName, "so101.urdf");
        File.WriteAllText(UrdfPath, So101Urdf);
        CalibrationFile.Save(Path.Combine(_dir.FullName, "f.json"), Calibration());
        Emulator = ServoBusEmulator.ForArm();
        Arm = new Arm(new ArmConfig
        {
            Type = "so101_follower", Port = Emulator.PortPath, Id = "f", CalibrationDir = _dir.FullName,
            PacketTimeout = TimeSpan.FromMilliseconds(500), // generous: the machine is shared
        });
        Arm.Connect();
        Kinematics = new RobotKinematics(UrdfModel.Parse(XDocument.Parse(So101Urdf)), "gripper_frame_link",
            ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll"]);
    }

    public string Folder => _dir.FullName;
    public string UrdfPath { get; }
    public ServoBusEmulator Emulator { get; }
    public Arm Arm { get; }
    public RobotKinematics Kinematics { get; }
    public IReadOnlyList<string> MotorNames => Arm.Motors.Select(m => m.Name).ToList();

    /// <summary>Joints over raw 1000..3000 (about ±88°), the gripper over 2000..3000, wrist roll a full turn.</summary>
    public static Dictionary<string, MotorCalibration> Calibration() => ArmSpec.MotorNames.Select((name, i) => (name, cal: name switch
    {
        "wrist_roll" => new MotorCalibration(i + 1, 0, 0, 0, 4095),
        "gripper" => new MotorCalibration(i + 1, 0, 0, 2000, 3000),
        _ => new MotorCalibration(i + 1, 0, 0, 1000, 3000),
    })).ToDictionary(x => x.name, x => x.cal);

    /// <summary>The goal the servos hold, read back from their Goal_Position registers over the bus.</summary>
    public Dictionary<string, double> Goals() => Arm.Bus.SyncRead("Goal_Position", numRetry: 2).ToDictionary(kv => kv.Key + ".pos", kv => kv.Value);

    public void Dispose()
    {
        Arm.Dispose();
        Emulator.Dispose();
        _dir.Delete(true);
    }
}
