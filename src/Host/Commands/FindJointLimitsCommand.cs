using System.CommandLine;
using System.Globalization;
using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Safety;
using RobotActors.Devices.Teleoperators;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors find-joint-limits`: teleoperate and record joint ranges and end-effector bounds (LeRobot's lerobot-find-joint-limits).</summary>
public static class FindJointLimitsCommand
{
    public static Command Create()
    {
        var robot = new ArmOptions("robot", required: true);
        var teleop = new ArmOptions("teleop", required: true);
        var urdf = new Option<string>("--urdf_path") { Description = "URDF of the robot (e.g. so101_new_calib.urdf).", Required = true };
        var frame = new Option<string>("--target_frame_name") { Description = "End-effector link.", DefaultValueFactory = _ => "gripper_frame_link" };
        var time = new Option<double>("--teleop_time_s") { Description = "Recording time.", DefaultValueFactory = _ => 30 };
        var warmup = new Option<double>("--warmup_time_s") { Description = "Teleoperate this long before recording.", DefaultValueFactory = _ => 5 };
        var fps = new Option<int>("--control_loop_fps") { Description = "Control rate.", DefaultValueFactory = _ => 30 };
        var command = new Command("find-joint-limits", "Teleoperate and record the joint limits and end-effector bounds.") { urdf, frame, time, warmup, fps };
        robot.AddTo(command);
        teleop.AddTo(command);
        command.SetAction((parse, cancel) => Task.FromResult(MotorsCommand.Guard(() =>
        {
            var motorNames = ArmSpec.MotorNames.Where(n => n != "gripper").ToList();
            var kinematics = new RobotKinematics(UrdfModel.Load(parse.GetValue(urdf)!), parse.GetValue(frame)!, motorNames);
            using var follower = new Arm(robot.Read(parse));
            using var leader = new Arm(teleop.Read(parse));
            leader.Connect(prompt: new ConsoleCalibrationPrompt());
            follower.Connect(prompt: new ConsoleCalibrationPrompt());
            var loop = new TeleoperationLoop(new LeaderArmTeleoperator(leader), follower,
                new SafetyStep(new SafetyLimits { Joints = follower.JointLimits() }));
            Console.WriteLine($"Warming up for {parse.GetValue(warmup)} s...");
            loop.Run(parse.GetValue(fps), TimeSpan.FromSeconds(parse.GetValue(warmup)), cancel);
            Console.WriteLine($"Recording for {parse.GetValue(time)} s: move the arm through its whole workspace.");
            var recorder = new JointLimitsRecorder(kinematics);
            loop.Run(parse.GetValue(fps), TimeSpan.FromSeconds(parse.GetValue(time)), cancel, (_, _) => recorder.Record(follower.GetObservation()));
            string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
            Console.WriteLine($"Max ee position {string.Join(" ", recorder.EeMax?.Select(F) ?? [])}");
            Console.WriteLine($"Min ee position {string.Join(" ", recorder.EeMin?.Select(F) ?? [])}");
            Console.WriteLine($"Max joint positions {string.Join(" ", recorder.Joints.Values.Select(r => F(r.Max)))}");
            Console.WriteLine($"Min joint positions {string.Join(" ", recorder.Joints.Values.Select(r => F(r.Min)))}");
            return 0;
        })));
        return command;
    }
}
