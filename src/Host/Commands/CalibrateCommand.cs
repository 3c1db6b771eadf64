using System.CommandLine;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Robots;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors calibrate --robot.type ... --robot.port ... --robot.id ...` (or --teleop.*):
/// LeRobot's interactive calibration, or scripted with --from-file / --record-seconds.
/// </summary>
public static class CalibrateCommand
{
    public static Command Create()
    {
        var robot = new ArmOptions("robot", required: false);
        var teleop = new ArmOptions("teleop", required: false);
        var fromFile = new Option<string?>("--from-file") { Description = "Apply this LeRobot calibration JSON to the motors (no prompts)." };
        var recordSeconds = new Option<double?>("--record-seconds") { Description = "No prompts: take the present pose as the middle and record ranges for this many seconds." };
        var command = new Command("calibrate", "Calibrate an arm: homing offsets at mid-range and ranges of motion, saved in LeRobot's format.")
        {
            fromFile, recordSeconds,
        };
        robot.AddTo(command);
        teleop.AddTo(command);
        command.SetAction(parse => MotorsCommand.Guard(() =>
        {
            using var arm = new Arm(ArmOptions.ReadOne(parse, robot, teleop));
            if (parse.GetValue(fromFile) is { } file)
            {
                // Checked before the port is opened: a broken file must not reach a single register.
                var calibration = arm.LoadCalibrationFile(file);
                arm.Connect(calibrate: false);
                arm.ApplyCalibration(calibration);
            }
            else
            {
                if (arm.CalibrationProblem is { } problem)
                    Console.WriteLine($"note: {problem.CalibrationSource} is invalid and will be replaced:\n" +
                                      string.Join('\n', problem.Problems.Select(p => "  " + p)));
                arm.Connect(calibrate: false);
                ICalibrationPrompt prompt = parse.GetValue(recordSeconds) is { } s
                    ? new ScriptedCalibrationPrompt(useExisting: false, TimeSpan.FromSeconds(s), Console.WriteLine)
                    : new ConsoleCalibrationPrompt();
                arm.Calibrate(prompt);
            }
            Console.WriteLine($"Calibration saved to {arm.CalibrationPath}");
            foreach (var (name, c) in arm.Calibration!)
                Console.WriteLine($"  {name,-14} id={c.Id} homing_offset={c.HomingOffset,6} range_min={c.RangeMin,5} range_max={c.RangeMax,5}");
            return 0;
        }));
        return command;
    }
}
