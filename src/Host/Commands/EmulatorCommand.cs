using System.CommandLine;
using RobotActors.Devices.Emulator;
using RobotActors.Devices.Workcell;
using RobotActors.Devices.Workcell.Tasks;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors emulator --robot so101 [--faults ...]`: an emulated servo bus on a pseudo-terminal;
/// with --workcell, a simulated workcell (the arm on a table with a cube, physics in real time) instead.
/// </summary>
public static class EmulatorCommand
{
    public static Command Create()
    {
        var robot = new Option<string>("--robot") { Description = "Arm to emulate: so100 or so101 (STS3215 servos, Feetech protocol), koch or koch_leader (DYNAMIXEL X, Protocol 2.0).", DefaultValueFactory = _ => "so101" };
        var motors = new Option<int>("--motors") { Description = "Number of servos (ids 1..N).", DefaultValueFactory = _ => 6 };
        var faults = new Option<string?>("--faults") { Description = "Faults: corrupt=0.05,slow=20ms,mute=3,unplug-after=10s,replug-after=15s,error=3:overload" };
        var link = new Option<string?>("--link") { Description = "Also expose the port at this stable path (a symlink), e.g. /tmp/so101-follower." };
        var motion = new Option<string>("--motion") { Description = "none, or sine: a hand slowly moving every joint while torque is off (an emulated leader arm).", DefaultValueFactory = _ => "none" };
        var workcell = new Option<bool>("--workcell") { Description = "so100/so101: serve a simulated workcell (arm, table, cube, physics in real time) instead of bare servos." };
        var task = new Option<string>("--task") { Description = $"With --workcell: {string.Join(", ", WorkcellTask.Names)}.", DefaultValueFactory = _ => WorkcellTask.PickLiftCube };
        var timeScale = new Option<double>("--time-scale") { Description = "With --workcell: simulated seconds per wall-clock second.", DefaultValueFactory = _ => 1 };
        var calibrationDir = new Option<string?>("--calibration-dir") { Description = "With --workcell: write the arm's LeRobot calibration here as <--id>.json (default: the current folder)." };
        var id = new Option<string>("--id") { Description = "With --workcell: the calibration file's name (LeRobot's --robot.id).", DefaultValueFactory = _ => "sim" };
        var command = new Command("emulator", "Serve emulated servos (Feetech STS3215 or DYNAMIXEL X), or a simulated workcell, on a pseudo-terminal until stopped (Ctrl+C).")
        {
            robot, motors, faults, link, motion, workcell, task, timeScale, calibrationDir, id,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var kind = parse.GetValue(robot)!;
            if (parse.GetValue(workcell))
                return await ServeWorkcell(kind, parse.GetValue(task)!, parse.GetValue(timeScale), parse.GetValue(link),
                    parse.GetValue(calibrationDir) ?? Directory.GetCurrentDirectory(), parse.GetValue(id)!, cancel);
            if (kind is not ("so100" or "so101" or "koch" or "koch_leader"))
            {
                Console.Error.WriteLine($"--robot {kind}: choose so100, so101, koch or koch_leader.");
                return 2;
            }
            var count = parse.GetValue(motors);
            if (count is < 1 or > 252)
            {
                Console.Error.WriteLine($"--motors {count}: give 1..252.");
                return 2;
            }
            EmulatorFaults parsedFaults;
            try { parsedFaults = EmulatorFaults.Parse(parse.GetValue(faults)); }
            catch (FormatException e) { Console.Error.WriteLine(e.Message); return 2; }
            using var emulator = kind.StartsWith("koch")
                ? ServoBusEmulator.ForDynamixelArm(Enumerable.Range(1, count)
                    .Select(id => kind == "koch_leader" ? "xl330-m077" : id <= 2 ? "xl430-w250" : "xl330-m288").ToList(), parsedFaults, parse.GetValue(link))
                : ServoBusEmulator.ForArm(count, parsedFaults, parse.GetValue(link));
            if (parse.GetValue(motion) == "sine")
                foreach (var servo in emulator.Servos)
                {
                    var id = servo.Id;
                    servo.HandMotion = t => 2047 + 400 * Math.Sin(2 * Math.PI * 0.25 * t + id);
                }
            Console.WriteLine(emulator.PortPath);
            Console.Error.WriteLine($"Emulating {count} {(kind.StartsWith("koch") ? "DYNAMIXEL X" : "STS3215")} servos ({kind}) at 1000000 baud on {emulator.PortPath}" +
                (emulator.PortPath != emulator.SlavePath ? $" -> {emulator.SlavePath}" : "") + ". Ctrl+C to stop.");
            try { await Task.Delay(Timeout.Infinite, cancel); }
            catch (OperationCanceledException) { }
            Console.Error.WriteLine($"Stopped. packets={emulator.PacketsReceived} replies={emulator.RepliesSent} corrupted={emulator.RepliesCorrupted}");
            return 0;
        });
        return command;
    }

    private static async Task<int> ServeWorkcell(string kind, string task, double timeScale, string? link, string calibrationDir, string id, CancellationToken cancel)
    {
        if (kind is not ("so100" or "so101"))
        {
            Console.Error.WriteLine($"--workcell simulates so100 or so101 followers, not '{kind}'.");
            return 2;
        }
        if (!WorkcellTask.Names.Contains(task))
        {
            Console.Error.WriteLine($"--task {task}: choose {string.Join(", ", WorkcellTask.Names)}.");
            return 2;
        }
        if (!(timeScale > 0))
        {
            Console.Error.WriteLine($"--time-scale {timeScale}: give a positive number.");
            return 2;
        }
        using var cell = new Workcell(new WorkcellOptions { Robot = kind, Task = task, LinkPath = link });
        var calibration = cell.SaveCalibration(calibrationDir, id);
        cell.StartRealTime(timeScale);
        Console.WriteLine(cell.PortPath);
        Console.Error.WriteLine($"Simulated {kind} workcell ({task}) at {timeScale}x real time on {cell.PortPath}" +
            (cell.PortPath != cell.Emulator.SlavePath ? $" -> {cell.Emulator.SlavePath}" : "") +
            $"; calibration written to {calibration} (use --robot.calibration_dir {calibrationDir} --robot.id {id}). Ctrl+C to stop.");
        try { await Task.Delay(Timeout.Infinite, cancel); }
        catch (OperationCanceledException) { }
        var state = cell.State();
        Console.Error.WriteLine($"Stopped after {state.Time:F1} simulated s. cube at {state.CubePosition}, held={state.CubeHeld}, success={state.Success}; packets={cell.Emulator.PacketsReceived}");
        return 0;
    }
}
