using System.CommandLine;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Safety;
using RobotActors.Devices.Teleoperators;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors teleoperate --robot.* --teleop.* --fps 60`: a leader arm drives a follower through the safety step.</summary>
public static class TeleoperateCommand
{
    public static Command Create()
    {
        var robot = new ArmOptions("robot", required: true);
        var teleop = new ArmOptions("teleop", required: true);
        var fps = new Option<int>("--fps") { Description = "Control rate.", DefaultValueFactory = _ => 60 };
        var time = new Option<double?>("--teleop_time_s") { Description = "Stop after this many seconds (default: until Ctrl+C)." };
        var maxStep = new Option<double?>("--max_step") { Description = "Safety: largest goal change per tick, in normalized units." };
        var command = new Command("teleoperate", "Teleoperate a follower arm from a leader arm, with joint limits and a step clamp.") { fps, time, maxStep };
        robot.AddTo(command);
        teleop.AddTo(command);
        command.SetAction((parse, cancel) => Task.FromResult(MotorsCommand.Guard(() =>
        {
            using var follower = new Arm(robot.Read(parse));
            using var leader = new Arm(teleop.Read(parse));
            if (follower.Spec.Role != ArmRole.Follower || leader.Spec.Role != ArmRole.Leader)
                throw new ArgumentException("--robot.type must be a follower and --teleop.type a leader (e.g. so101_follower / so101_leader).");
            leader.Connect(prompt: new ConsoleCalibrationPrompt());
            follower.Connect(prompt: new ConsoleCalibrationPrompt());
            var safety = new SafetyStep(new SafetyLimits { Joints = follower.JointLimits(), MaxStepPerTick = parse.GetValue(maxStep) });
            var loop = new TeleoperationLoop(new LeaderArmTeleoperator(leader), follower, safety);
            var duration = parse.GetValue(time) is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            var lastPrint = DateTime.MinValue;
            var report = loop.Run(parse.GetValue(fps), duration, cancel, (tick, sent) =>
            {
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
}
