using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;

namespace RobotActors.Actors.Robots;

/// <summary>
/// The simulated arm behind a robot whose port is "sim": the servo-bus emulator served on a
/// pseudo-terminal, reached through a stable symlink, so the robot's actors open it exactly like a
/// USB adapter. A calibration file is written on first use (mid-range homing, typical ranges).
/// </summary>
public sealed class SimulatedArm : IDisposable
{
    public ServoBusEmulator Emulator { get; }
    public string PortPath => Emulator.PortPath;

    public SimulatedArm(string robotId, string type, string dataPath, string calibrationDir)
    {
        var folder = Path.Combine(dataPath, "sim");
        Directory.CreateDirectory(folder);
        Emulator = ServoBusEmulator.ForArm(ArmSpec.For(type).NamedMotors(useDegrees: true).Count, linkPath: Path.Combine(folder, robotId + ".tty"));

        var calibration = Path.Combine(calibrationDir, robotId + ".json");
        if (!File.Exists(calibration))
            CalibrationFile.Save(calibration, DefaultCalibration(type));
    }

    /// <summary>Ranges like a freshly calibrated SO-101: a quarter turn either side of centre, a full turn for the wrist roll.</summary>
    public static Dictionary<string, MotorCalibration> DefaultCalibration(string type) =>
        ArmSpec.For(type).NamedMotors(useDegrees: true).ToDictionary(m => m.Name, m => m.Name switch
        {
            "wrist_roll" => new MotorCalibration(m.Id, 0, 0, 0, 4095),
            "gripper" => new MotorCalibration(m.Id, 0, 0, 2000, 3000),
            _ => new MotorCalibration(m.Id, 0, 0, 1024, 3072),
        });

    public void Dispose() => Emulator.Dispose();
}
