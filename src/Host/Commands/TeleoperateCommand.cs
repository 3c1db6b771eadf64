using System.CommandLine;
using System.Globalization;
using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Safety;
using RobotActors.Devices.Teleoperators;
using RobotActors.Host.ConsoleUi;

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
            Func<IReadOnlyDictionary<string, double>, Dictionary<string, double>>? processor = null;
            ITeleoperator source;
            if (teleopType is "gamepad" or "keyboard")
            {
                var urdfPath = parse.GetValue(urdf) ?? throw new ArgumentException($"--teleop.type {teleopType} moves the end effector: give --urdf_path.");
                var kinematics = new RobotKinematics(UrdfModel.Load(urdfPath), parse.GetValue(frame)!,
                    follower.Motors.Select(m => m.Name).Where(n => n != "gripper").ToList());
                var b = Numbers(parse.GetValue(bounds)!, 6, "--end_effector_bounds");
                var mapper = new EndEffectorActionMapper(kinematics, new EndEffectorBounds(b[..3], b[3..]), Numbers(parse.GetValue(steps)!, 3, "--end_effector_step_sizes"));
                source = teleopType == "gamepad"
                    ? new GamepadTeleoperator(new JoystickDevice(parse.GetValue(device) ?? JoystickDevice.FindFirst()
                        ?? throw new ArgumentException("No joystick found under /dev/input/js*. Plug in the gamepad or give --teleop.device.")))
                    : new KeyboardTeleoperator(Console.OpenStandardInput(), rawTerminal: true);
                processor = action => mapper.Map(follower.GetObservation(), action);
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
            var safety = new SafetyStep(new SafetyLimits { Joints = follower.JointLimits(), MaxStepPerTick = parse.GetValue(maxStep) });
            var loop = new TeleoperationLoop(source, follower, safety, processor);
            var duration = parse.GetValue(time) is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var lastPrint = DateTime.MinValue;
            var screen = TerminalDisplay.Open(parse.GetValue(display), Console.Out, Console.Error);
            var report = loop.Run(parse.GetValue(fps), duration, stop.Token, (_, sent) =>
            {
                if (source is IEventTeleoperator events)
                {
                    foreach (var (e, on) in events.GetTeleopEvents())
                        if (on && e != TeleopEvent.IsIntervention) Console.WriteLine($"event: {e.ToLeRobotName()}");
                    if (source is GamepadTeleoperator { ExitRequested: true }) stop.Cancel();
                }
                if (screen is not null) { screen.Show(sent); return; } // this robot has no cameras to show yet
                if (DateTime.UtcNow - lastPrint < TimeSpan.FromSeconds(1)) return;
                lastPrint = DateTime.UtcNow;
                Console.WriteLine(string.Join("  ", sent.Select(kv => $"{kv.Key}={kv.Value,7:F1}")));
            });
            Console.WriteLine($"ticks={report.Ticks} overruns={report.Overruns} read_failures={report.ReadFailures} " +
                $"loop_p50={report.LoopP50Ms:F2}ms loop_p99={report.LoopP99Ms:F2}ms " +
                $"safety: non_finite={report.NonFinite} limit_clamps={report.LimitClamps} step_clamps={report.StepClamps}");
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
