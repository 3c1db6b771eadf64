using System.Diagnostics;
using Akka.Actor;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Robots;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Teleoperators;

namespace RobotActors.Actors.Tests;

/// <summary>A robot with port "sim" on a node: a workcell in real time, its cameras rendered, the scripted operator as teleop.</summary>
public sealed class SimulatedRobotTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private RobotActorsNode _node = null!;

    public async Task InitializeAsync()
    {
        _node = RobotActorsNode.Start(TestSettings.Create(_dir.Path, """
            robotactors.robots = [
              { id = "w", type = "so101_follower", port = "sim", teleop-type = "scripted",
                cameras = [ { name = "front", width = 64, height = 48, fps = 20 }, { name = "wrist", type = "folder", width = 32, height = 32 } ] }
            ]
            robotactors.device { poll-interval = 20ms, min-backoff = 100ms, max-backoff = 1s }
            """), "test");
        await _node.WaitUntilUpAsync(TimeSpan.FromSeconds(20));
        await _node.WaitForRobotStateAsync("w", DeviceState.Ready, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task The_sim_robot_has_physics_in_real_time_cameras_from_its_workcell_and_the_scripted_operator()
    {
        var robot = _node.System.ActorSelection("/user/robots/w");
        var status = await _node.RobotStatusAsync("w");
        Assert.Equal(["camera-front", "camera-wrist", "motors-main", "teleop"], status.Devices.Select(d => d.Name));

        var front = (await robot.Ask<LatestFrame>(new GetLatestFrame("front"), TimeSpan.FromSeconds(5))).Frame;
        Assert.Equal((48, 64, 3), (front.Height, front.Width, front.Channels));
        var wrist = (await robot.Ask<LatestFrame>(new GetLatestFrame("wrist"), TimeSpan.FromSeconds(5))).Frame;
        Assert.Equal((32, 32, 3), (wrist.Height, wrist.Width, wrist.Channels));
        Assert.NotEqual(front.Data[..(32 * 3)], wrist.Data[..(32 * 3)]);

        // The calibration is the workcell's: degrees of the model, zero at mid-range.
        var calibration = CalibrationFile.Load(Path.Combine(_dir.Path, "calibration", "w.json"));
        Assert.Equal(2047, (calibration["elbow_flex"].RangeMin + calibration["elbow_flex"].RangeMax) / 2.0);

        // The arm starts at the workcell's ready pose and follows a goal through the physics, in real time.
        var start = (await robot.Ask<LatestPositions>(GetLatestPositions.Instance, TimeSpan.FromSeconds(5))).Positions;
        Assert.InRange(start["wrist_flex.pos"], 80, 92); // the gripper points down
        var goal = start.ToDictionary(kv => kv.Key, kv => kv.Value);
        goal["shoulder_pan.pos"] += 15;
        await robot.Ask<GoalsSent>(new SendGoals(goal), TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, double> now;
        do
        {
            await Task.Delay(50);
            now = (await robot.Ask<LatestPositions>(GetLatestPositions.Instance, TimeSpan.FromSeconds(5))).Positions;
        } while (Math.Abs(now["shoulder_pan.pos"] - goal["shoulder_pan.pos"]) > 1 && clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.InRange(now["shoulder_pan.pos"] - start["shoulder_pan.pos"], 14, 16);
        Assert.True(clock.Elapsed > TimeSpan.FromMilliseconds(30), "a servo takes time to turn 15°");

        var teleop = await robot.Ask<LatestTeleop>(GetLatestTeleop.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal(["delta_x", "delta_y", "delta_z", "gripper"], teleop.Action.Keys);
        Assert.True(teleop.Events[TeleopEvent.IsIntervention]);
    }

    [Fact]
    public void The_scripted_operator_is_refused_for_a_real_robot()
    {
        var e = Assert.Throws<SettingsException>(() => TestSettings.Create(_dir.Path, """
            robotactors.robots = [ { id = "r", type = "so101_follower", port = "/dev/ttyACM0", teleop-type = "scripted" } ]
            """));
        Assert.Contains("teleop-type", e.Key);
        Assert.Contains("port = \"sim\"", e.Message);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _dir.Dispose();
    }
}
