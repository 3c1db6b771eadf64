using System.Diagnostics;
using Akka.Actor;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Robots;
using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;

namespace RobotActors.Actors.Tests;

/// <summary>
/// Status questions never hold up a robot's control messages: the supervisor and the robots manager collect
/// answers in the background instead of awaiting them inside a handler.
/// </summary>
public sealed class RobotMailboxTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private ServoBusEmulator _follower = null!, _leader = null!;
    private RobotActorsNode _node = null!;

    public async Task InitializeAsync()
    {
        var calibration = Path.Combine(_dir.Path, "calibration");
        foreach (var id in new[] { "f", "f-leader" })
            CalibrationFile.Save(Path.Combine(calibration, id + ".json"), SimulatedArm.DefaultCalibration("so101_follower"));
        _follower = ServoBusEmulator.ForArm(linkPath: Path.Combine(_dir.Path, "f.tty"));
        _leader = ServoBusEmulator.ForArm(linkPath: Path.Combine(_dir.Path, "l.tty"));
        _node = RobotActorsNode.Start(TestSettings.Create(_dir.Path, $$"""
            robotactors.robots = [
              { id = "f", type = "so101_follower", port = "{{_follower.PortPath}}", calibration-dir = "{{calibration}}",
                teleop-type = "so101_leader", teleop-port = "{{_leader.PortPath}}" }
            ]
            robotactors.device { poll-interval = 20ms, min-backoff = 100ms, max-backoff = 1s }
            """), "test");
        await _node.WaitUntilUpAsync(TimeSpan.FromSeconds(20));
        await _node.WaitForRobotStateAsync("f", DeviceState.Ready, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_slow_device_status_does_not_delay_a_goal_or_another_robot_message()
    {
        var robot = _node.System.ActorSelection("/user/robots/f");
        var manager = _node.System.ActorSelection("/user/robots");
        var positions = (await robot.Ask<LatestPositions>(GetLatestPositions.Instance, TimeSpan.FromSeconds(5))).Positions;

        // The leader arm answers slowly, so its actor falls behind its polls and answers a status late (past 500 ms).
        _leader.SlowReply = TimeSpan.FromMilliseconds(35);
        await Task.Delay(1500);

        var statuses = Enumerable.Range(0, 3).Select(_ => robot.Ask<RobotStatusReport>(new GetRobotStatus("f"), TimeSpan.FromSeconds(10))).ToList();
        var list = manager.Ask<RobotList>(ListRobots.Instance, TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        var sent = await robot.Ask<GoalsSent>(new SendGoals(positions), TimeSpan.FromSeconds(10));
        var goal = clock.Elapsed;
        var read = await manager.Ask<MotorValues>(new ReadMotors("f", "Present_Position"), TimeSpan.FromSeconds(10));
        var other = clock.Elapsed;

        // Awaiting three statuses inside the supervisor's handler took at least 3 × 500 ms before the goal could pass.
        Assert.True(goal < TimeSpan.FromMilliseconds(400), $"the goal waited {goal.TotalMilliseconds:F0} ms behind status questions");
        Assert.True(other < TimeSpan.FromMilliseconds(800), $"a motor read through the manager waited {other.TotalMilliseconds:F0} ms");
        Assert.Equal(6, sent.Sent.Count);
        Assert.Equal(6, read.Values.Count);

        // The statuses still come, with the slow device's last known counters.
        foreach (var status in await Task.WhenAll(statuses)) Assert.Equal(["motors-main", "teleop"], status.Devices.Select(d => d.Name));
        Assert.Equal("f", (await list).Robots.Single().RobotId);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(400), "the slow device did not slow the status down: the test proves nothing");
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _follower.Dispose();
        _leader.Dispose();
        _dir.Dispose();
    }
}
