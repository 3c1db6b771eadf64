using System.CommandLine;
using System.Globalization;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Safety;
using RobotActors.Devices.Teleoperators;
using RobotActors.Host.ConsoleUi;
using RobotActors.Devices.Cameras;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Env.Io;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors teleoperate --robot.* --teleop.* --fps 60`: a leader arm drives a follower joint to
/// joint; a gamepad or the keyboard drives it in end-effector space (with --urdf_path). Every action
/// passes the safety step (joint limits, step per tick).
/// </summary>
public static class TeleoperateCommand
{
    public static Command Create()
    {
        var robot = new ArmOptions("robot", required: true);
        var teleop = new ArmOptions("teleop", required: false, otherTypes: ["gamepad", "keyboard"]);
        var fps = new Option<int>("--fps") { Description = "Control rate.", DefaultValueFactory = _ => 60 };
        var time = new Option<double?>("--teleop_time_s") { Description = "Stop after this many seconds (default: until Ctrl+C)." };
        var maxStep = new Option<double?>("--max_step") { Description = "Safety: largest goal change per tick, in normalized units." };
        var device = new Option<string?>("--teleop.device") { Description = "Gamepad: joystick device (default: the first /dev/input/js*)." };
        var urdf = new Option<string?>("--urdf_path") { Description = "Gamepad/keyboard: URDF for inverse kinematics." };
        var frame = new Option<string>("--target_frame_name") { Description = "Gamepad/keyboard: end-effector link.", DefaultValueFactory = _ => "gripper_frame_link" };
        var steps = new Option<string>("--end_effector_step_sizes") { Description = "Gamepad/keyboard: x,y,z metres per tick at full deflection.", DefaultValueFactory = _ => "0.02,0.02,0.02" };
        var bounds = new Option<string>("--end_effector_bounds") { Description = "Gamepad/keyboard: min_x,min_y,min_z,max_x,max_y,max_z in metres.", DefaultValueFactory = _ => "-1,-1,-1,1,1,1" };
        var display = TerminalDisplay.CreateOption();
        var command = new Command("teleoperate", "Teleoperate a follower arm from a leader arm, a gamepad or the keyboard, with the safety clamp.")
        {
            fps, time, maxStep, device, urdf, frame, steps, bounds, display,
        };
        robot.AddTo(command);
        teleop.AddTo(command);
        command.SetAction((parse, cancel) => Task.FromResult(MotorsCommand.Guard(() =>
        {
            var teleopType = parse.GetValue(teleop.Type) ?? throw new ArgumentException("--teleop.type is required: a leader arm type, gamepad or keyboard.");
            using var follower = new Arm(robot.Read(parse));
            if (follower.Spec.Role != ArmRole.Follower)
                throw new ArgumentException($"--robot.type {follower.Spec.Type} is not a follower (e.g. so101_follower).");
            InverseKinematicsConfig? ik = null;
            ITeleoperator source;
            if (teleopType is "gamepad" or "keyboard")
            {
                var b = Numbers(parse.GetValue(bounds)!, 6, "--end_effector_bounds");
                ik = new InverseKinematicsConfig
                {
                    UrdfPath = parse.GetValue(urdf) ?? throw new ArgumentException($"--teleop.type {teleopType} moves the end effector: give --urdf_path."),
                    TargetFrameName = parse.GetValue(frame)!, BoundsMin = b[..3], BoundsMax = b[3..],
                    StepSizes = Numbers(parse.GetValue(steps)!, 3, "--end_effector_step_sizes"),
                };
                source = teleopType == "gamepad"
                    ? new GamepadTeleoperator(new JoystickDevice(parse.GetValue(device) ?? JoystickDevice.FindFirst()
                        ?? throw new ArgumentException("No joystick found under /dev/input/js*. Plug in the gamepad or give --teleop.device.")))
                    : new KeyboardTeleoperator(Console.OpenStandardInput(), rawTerminal: true);
            }
            else
            {
                var leader = new Arm(teleop.Read(parse));
                if (leader.Spec.Role != ArmRole.Leader)
                    throw new ArgumentException($"--teleop.type {teleopType} is not a leader arm, gamepad or keyboard.");
                leader.Connect(prompt: new ConsoleCalibrationPrompt());
                source = new LeaderArmTeleoperator(leader);
            }
            using var _ = source;
            follower.Connect(prompt: new ConsoleCalibrationPrompt());
            // No policy: the operator drives every tick, through the same control step as recording and the actors.
            var config = new HilSerlRobotEnvConfig
            {
                Fps = parse.GetValue(fps),
                Processor = new HilSerlProcessorConfig { InverseKinematics = ik, Reset = new ResetConfig { ControlTimeS = double.MaxValue / 1e6 } },
            };
            if (config.Fps <= 0) throw new ArgumentException("--fps must be positive.");
            var (envProcessor, actionProcessor) = GymManipulatorProcessors.Make(config, new TeleoperatorInControl(source), follower.Motors.Select(m => m.Name).ToList());
            var safety = new SafetyStep(new SafetyLimits { Joints = follower.JointLimits(), MaxStepPerTick = parse.GetValue(maxStep) });
            var pipeline = new ControlPipeline(new ArmRobotIo(follower, new Dictionary<string, ICamera>(), TimeSpan.FromSeconds(1)), envProcessor, actionProcessor, safety);
            var loop = new ControlLoop(new GymManipulatorEnv(pipeline, new RealTimeClock(), config));
            var duration = parse.GetValue(time) is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            var lastPrint = DateTime.MinValue;
            var screen = TerminalDisplay.Open(parse.GetValue(display), Console.Out, Console.Error);
            var report = loop.Run(duration, cancel, step =>
            {
                var ev = step.Events;
                foreach (var (name, on) in new[] { ("success", ev.Success), ("failure", ev.Failure), ("rerecord_episode", ev.Rerecord) })
                    if (on) Console.WriteLine($"event: {name}");
                if (source is GamepadTeleoperator { ExitRequested: true }) return false;
                if (screen is not null) { screen.Show(step.Next.Joints); return true; } // this command opens no cameras
                if (DateTime.UtcNow - lastPrint < TimeSpan.FromSeconds(1)) return true;
                lastPrint = DateTime.UtcNow;
                Console.WriteLine(string.Join("  ", step.Next.Joints.Select(kv => $"{kv.Key}={kv.Value,7:F1}")));
                return true;
            });
            Console.WriteLine(report);
            return 0;
        })));
        return command;
    }

    private static double[] Numbers(string text, int count, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != count || !parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            throw new ArgumentException($"{option} takes {count} comma-separated numbers, got '{text}'.");
        return parts.Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
    }
}
