using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Workcell;
using RobotActors.Devices.Workcell.Geometry;

namespace RobotActors.Devices.Tests.Workcell;

/// <summary>A workcell and the robot stack's Arm connected to it over its pseudo-terminal, in lockstep.</summary>
internal sealed class SimArm : IDisposable
{
    private static readonly string[] BodyJoints = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll"];
    private readonly DirectoryInfo _calibration = Directory.CreateTempSubdirectory("ra-sim-");

    public SimArm(WorkcellOptions? options = null)
    {
        Cell = new RobotActors.Devices.Workcell.Workcell(options);
        Cell.SaveCalibration(_calibration.FullName, "sim");
        Arm = new Arm(new ArmConfig
        {
            Type = Cell.Spec.Type, Port = Cell.PortPath, Id = "sim", CalibrationDir = _calibration.FullName,
            PacketTimeout = TimeSpan.FromMilliseconds(500), // generous: the test machine is shared and busy
        });
        Arm.Connect();
        Kinematics = new RobotKinematics(Cell.Model, "gripper_frame_link", BodyJoints);
    }

    public RobotActors.Devices.Workcell.Workcell Cell { get; }
    public Arm Arm { get; }
    public RobotKinematics Kinematics { get; }

    /// <summary>Advances in 0.1 s steps, reading the bus after each (the lockstep synchronization point).</summary>
    public Dictionary<string, double> Run(double seconds)
    {
        var observation = Arm.GetObservation();
        for (var t = 0.0; t < seconds - 1e-9; t += 0.1)
        {
            Cell.Advance(0.1);
            observation = Arm.GetObservation();
        }
        return observation;
    }

    /// <summary>Sends joint goals (gripper included) for the gripper frame at <paramref name="p"/>, pointing down, then runs.</summary>
    public Dictionary<string, double> MoveTo(Vec3 p, double gripper, double seconds = 1.0)
    {
        var observation = Arm.GetObservation();
        var current = BodyJoints.Select(j => observation[j + ".pos"]).ToArray();
        var down = new Transform([-1, 0, 0, 0, 1, 0, 0, 0, -1], p.ToArray());
        var (q, _, _) = Kinematics.InverseKinematicsConverged(current, down, 1e-5, 500, 1.0, 0.3);
        var goals = BodyJoints.Select((j, i) => (j, q[i])).ToDictionary(x => x.j + ".pos", x => x.Item2);
        goals["gripper.pos"] = gripper;
        Arm.SendAction(goals);
        return Run(seconds);
    }

    public Dictionary<string, double> Raw(string register) => Arm.Bus.SyncRead(register, normalize: false);

    public void Dispose()
    {
        Arm.Dispose();
        Cell.Dispose();
        _calibration.Delete(true);
    }
}
