using System.CommandLine;
using System.Diagnostics;
using RobotActors.Devices.Bench;
using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Workcell;
using RobotActors.Devices.Workcell.Tasks;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors bench sim`: the simulated workcell's physics steps/s, rendered frames/s and control-step real-time factor.</summary>
public static class BenchSimCommand
{
    public static Command Create()
    {
        var robot = new Option<string>("--robot") { Description = "Arm to simulate: so101 or so100.", DefaultValueFactory = _ => "so101" };
        var seconds = new Option<double>("--seconds") { Description = "Measurement time of each figure.", DefaultValueFactory = _ => 3 };
        var fps = new Option<int>("--fps") { Description = "Control rate of the control-step figure (LeRobot's HIL-SERL runs at 10).", DefaultValueFactory = _ => 10 };
        var cpus = new Option<int>("--cpus") { Description = "Pin the process to this many cores (1: the goal is stated for one core; 0: no pinning).", DefaultValueFactory = _ => 1 };
        var command = new Command("sim", "Simulated workcell: physics steps/s, frames/s with two 128×128 and two 640×480 cameras, and the real-time factor of a full control step.")
        {
            robot, seconds, fps, cpus,
        };
        command.SetAction(parse =>
        {
            // Bad usage is refused before anything starts, with exit code 2.
            var problem = parse.GetValue(seconds) is var s && !(s > 0) ? $"--seconds {s}: give a positive time."
                : parse.GetValue(fps) is var f && f is < 1 or > 1000 ? $"--fps {f}: give 1..1000."
                : parse.GetValue(cpus) is var c && (c < 0 || c > Environment.ProcessorCount) ? $"--cpus {c}: give 0 (no pinning) to {Environment.ProcessorCount}."
                : parse.GetValue(robot) is var r && r is not ("so100" or "so101") ? $"--robot {r}: choose so100 or so101."
                : null;
            if (problem is not null)
            {
                Console.Error.WriteLine($"error: {problem}");
                return 2;
            }
            return MotorsCommand.Guard(() => Run(parse.GetValue(robot)!, TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(fps), parse.GetValue(cpus)));
        });
        return command;
    }

    private static int Run(string robot, TimeSpan duration, int rate, int cpus)
    {
        var pinned = Pin(cpus);
        var calibration = Directory.CreateTempSubdirectory("robotactors-bench-sim-");
        try
        {
            using var workcell = new Workcell(new WorkcellOptions { Robot = robot, Task = WorkcellTask.PickLiftCube });
            workcell.SaveCalibration(calibration.FullName, "bench");
            using var arm = new Arm(new ArmConfig { Type = workcell.Spec.Type, Port = workcell.PortPath, Id = "bench", CalibrationDir = calibration.FullName });
            arm.Connect();
            var kinematics = new RobotKinematics(workcell.Model, "gripper_frame_link", workcell.MotorNames.Where(n => n != "gripper").ToList());
            var step = workcell.World.Settings.TimeStep;
            Console.WriteLine($"bench sim: {workcell.Spec.Type} on {workcell.PortPath}, physics step {step * 1000:F1} ms, " +
                $"{(pinned > 0 ? $"pinned to {pinned} core{(pinned > 1 ? "s" : "")}" : "not pinned")}, {Environment.ProcessorCount} cores visible, load average {LoadAverage()}");
            if (IsUnoptimized(typeof(Workcell)))
                Console.WriteLine("  note: this is a Debug build (JIT optimizations off); the figures are several times lower than a Release build's (dotnet run -c Release).");

            var (idle, holding) = WorkcellBenchmark.PhysicsStepsPerSecond(workcell, arm, kinematics, duration);
            Console.WriteLine($"  physics           {idle,10:F0} steps/s cube on the table below the jaws, {holding,8:F0} steps/s holding the lifted cube ({Math.Min(idle, holding) * step:F0}x real time)");
            foreach (var (w, h) in new[] { (128, 128), (640, 480) })
            {
                var cameras = new[] { workcell.Camera("front", w, h), workcell.Camera("wrist", w, h) };
                var frames = WorkcellBenchmark.FramesPerSecond(cameras, duration);
                Console.WriteLine($"  render {w}x{h,-4}   {frames,10:F0} frames/s (front + wrist in turn: {frames / 2:F0} pairs/s)");
            }
            foreach (var (w, h) in new[] { (128, 128), (640, 480) })
            {
                var cameras = new[] { workcell.Camera("front", w, h), workcell.Camera("wrist", w, h) };
                var f = WorkcellBenchmark.ControlSteps(workcell, arm, kinematics, cameras, rate, duration);
                Console.WriteLine($"  control {rate} Hz, 2 cameras {w}x{h}: {f.RealTimeFactor,6:F1}x real time ({f.Steps / f.Seconds:F0} steps/s, step p50 {f.P50Ms:F2} ms p99 {f.P99Ms:F2} ms; " +
                    $"bus read + write, {1000.0 / rate:F0} ms of physics, both cameras, operator + IK; {f.Successes} picks in {f.Episodes} episodes)");
                if (w == 128)
                    Console.WriteLine($"  goal ≥ 20x real time at 10 Hz with two 128x128 cameras on one core: {(rate != 10 ? "not measured (use --fps 10)" : f.RealTimeFactor >= 20 ? "met" : "NOT met")}");
            }
            return 0;
        }
        finally
        {
            calibration.Delete(true);
        }
    }

    private static bool IsUnoptimized(Type type) =>
        type.Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false).OfType<DebuggableAttribute>().Any(a => a.IsJITOptimizerDisabled);

    /// <summary>The 1-minute load average (Linux), so figures from a busy machine say so.</summary>
    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }

    /// <summary>Restricts the process to the first <paramref name="cores"/> cores (Linux and Windows); 0 leaves it alone.</summary>
    private static int Pin(int cores)
    {
        if (cores <= 0 || (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())) return 0;
        Process.GetCurrentProcess().ProcessorAffinity = (nint)((1L << cores) - 1);
        return cores;
    }
}
