using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Workcell;

namespace RobotActors.Actors.Robots;

/// <summary>
/// The simulated arm behind a robot whose port is "sim", reached through a stable symlink to a
/// pseudo-terminal, so the robot's actors open it exactly like a USB adapter. An SO-100/SO-101 follower
/// is a workcell (the arm on a table with a cube, physics and cameras) running in real time; a leader
/// or a Koch arm is the plain servo-bus emulator. The calibration file is the one the simulated arm
/// needs (for a workcell: derived from its model's joint limits); a different file already there is
/// kept beside it as &lt;id&gt;.json.bak before it is replaced.
/// </summary>
public sealed class SimulatedArm : IDisposable
{
    public ServoBusEmulator Emulator { get; }
    /// <summary>The workcell of a simulated follower (its cameras, task and ground truth); null for leaders and Koch arms.</summary>
    public Workcell? Workcell { get; }
    public string PortPath => Emulator.PortPath;

    public SimulatedArm(string robotId, string type, string dataPath, string calibrationDir, double timeScale = 1)
    {
        var folder = Path.Combine(dataPath, "sim");
        Directory.CreateDirectory(folder);
        var link = Path.Combine(folder, robotId + ".tty");
        var spec = ArmSpec.For(type);
        IReadOnlyDictionary<string, MotorCalibration> calibration;
        if (spec.Role == ArmRole.Follower && spec.Protocol == BusProtocol.Feetech)
        {
            Workcell = new Workcell(new WorkcellOptions { Robot = type, LinkPath = link });
            Emulator = Workcell.Emulator;
            calibration = Workcell.Calibration;
            Workcell.StartRealTime(timeScale);
        }
        else
        {
            Emulator = ServoBusEmulator.ForArm(spec.NamedMotors(useDegrees: true).Count, linkPath: link);
            calibration = DefaultCalibration(type);
        }
        WriteCalibration(Path.Combine(calibrationDir, robotId + ".json"), calibration);
    }

    private static void WriteCalibration(string path, IReadOnlyDictionary<string, MotorCalibration> calibration)
    {
        if (File.Exists(path))
        {
            Dictionary<string, MotorCalibration>? existing = null;
            try { existing = CalibrationFile.Load(path); }
            catch (InvalidDataException) { }
            if (existing is not null && existing.Count == calibration.Count && calibration.All(kv => existing.TryGetValue(kv.Key, out var c) && c == kv.Value))
                return;
            File.Copy(path, path + ".bak", overwrite: true);
        }
        CalibrationFile.Save(path, calibration);
    }

    /// <summary>Ranges like a freshly calibrated arm: a quarter turn either side of centre, a full turn for the wrist roll.</summary>
    public static Dictionary<string, MotorCalibration> DefaultCalibration(string type) =>
        ArmSpec.For(type).NamedMotors(useDegrees: true).ToDictionary(m => m.Name, m => m.Name switch
        {
            "wrist_roll" => new MotorCalibration(m.Id, 0, 0, 0, 4095),
            "gripper" => new MotorCalibration(m.Id, 0, 0, 2000, 3000),
            _ => new MotorCalibration(m.Id, 0, 0, 1024, 3072),
        });

    public void Dispose()
    {
        if (Workcell is not null) Workcell.Dispose();
        else Emulator.Dispose();
    }
}
