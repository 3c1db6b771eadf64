using System.Diagnostics;
using Akka.Actor;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Robots;
using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Teleoperators;

namespace RobotActors.Actors.Tests;

/// <summary>Teleoperators as device actors: a leader arm on an emulated bus, and a gamepad on a FIFO.</summary>
public sealed class RobotTeleopTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly string _fifo;
    private ServoBusEmulator _follower = null!, _leader = null!;
    private RobotActorsNode _node = null!;

    public RobotTeleopTests() => _fifo = Path.Combine(_dir.Path, "js0");

    public async Task InitializeAsync()
    {
        var calibration = Path.Combine(_dir.Path, "calibration");
        foreach (var id in new[] { "f", "f-leader", "g" })
            CalibrationFile.Save(Path.Combine(calibration, id + ".json"), SimulatedArm.DefaultCalibration("so101_follower"));
        _follower = ServoBusEmulator.ForArm(linkPath: Path.Combine(_dir.Path, "f.tty"));
        _leader = ServoBusEmulator.ForArm(linkPath: Path.Combine(_dir.Path, "l.tty"));
        var gFollower = ServoBusEmulator.ForArm(linkPath: Path.Combine(_dir.Path, "g.tty"));
        _disposables.Add(gFollower);
        Assert.Equal(0, mkfifo(_fifo, Convert.ToUInt32("600", 8)));

        _node = RobotActorsNode.Start(TestSettings.Create(_dir.Path, $$"""
            robotactors.robots = [
              { id = "f", type = "so101_follower", port = "{{_follower.PortPath}}", calibration-dir = "{{calibration}}",
                teleop-type = "so101_leader", teleop-port = "{{_leader.PortPath}}" }
              { id = "g", type = "so101_follower", port = "{{gFollower.PortPath}}", calibration-dir = "{{calibration}}",
                teleop-type = "gamepad", teleop-port = "{{_fifo}}" }
            ]
            robotactors.device { poll-interval = 20ms, min-backoff = 100ms, max-backoff = 1s }
            """), "test");
        await _node.WaitUntilUpAsync(TimeSpan.FromSeconds(20));
        await WaitForState("f", DeviceState.Ready, TimeSpan.FromSeconds(20));
        await WaitForState("g", DeviceState.Ready, TimeSpan.FromSeconds(20));
    }

    private readonly List<IDisposable> _disposables = [];

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    private Task<RobotStatusReport> Status(string id) => _node.RobotStatusAsync(id);

    private Task<LatestTeleop> Teleop(string id) =>
        _node.System.ActorSelection($"/user/robots/{id}").Ask<LatestTeleop>(GetLatestTeleop.Instance, TimeSpan.FromSeconds(5));

    private Task<RobotStatusReport> WaitForState(string id, DeviceState state, TimeSpan within) => _node.WaitForRobotStateAsync(id, state, within);

    [Fact]
    public async Task The_leader_arms_hand_moved_joints_are_the_latest_action_and_a_lost_leader_disconnects_the_robot()
    {
        var status = await Status("f");
        Assert.Equal(["motors-main", "teleop"], status.Devices.Select(d => d.Name));

        var before = await Teleop("f");
        Assert.Equal(["shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos"], before.Action.Keys);

        _leader.Servo(1).MoveByHand(2600); // about 48 degrees from centre
        var clock = Stopwatch.StartNew();
        LatestTeleop after;
        do { after = await Teleop("f"); } while (Math.Abs(after.Action["shoulder_pan.pos"] - before.Action["shoulder_pan.pos"]) < 30 && clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.InRange(after.Action["shoulder_pan.pos"] - before.Action["shoulder_pan.pos"], 40, 56);
        Assert.True(after.ReadAt > before.ReadAt);

        _leader.Unplug();
        await WaitForState("f", DeviceState.Disconnected, TimeSpan.FromSeconds(5));
        var refused = await _node.System.ActorSelection("/user/robots/f").Ask<object>(GetLatestTeleop.Instance, TimeSpan.FromSeconds(5));
        Assert.IsType<RobotCommandFailed>(refused);
        Assert.Equal(DeviceState.Ready, (await Status("f")).Devices.Single(d => d.Name == "motors-main").State);

        _leader.Replug();
        await WaitForState("f", DeviceState.Ready, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Gamepad_presses_between_two_ticks_are_latched_until_read_and_a_lost_gamepad_disconnects_the_robot()
    {
        var writer = new FileStream(_fifo, FileMode.Open, FileAccess.Write);
        void Send(byte type, byte number, short value) { writer.Write(new JoystickEvent(0, value, type, number).ToBytes()); writer.Flush(); }

        Send(JoystickEvent.Axis, 1, -32767);                          // left stick forward
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonRb, 1);  // hold RB: intervention
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonY, 1);   // a quick press of Y: success
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonY, 0);

        var clock = Stopwatch.StartNew();
        LatestTeleop first;
        do { first = await Teleop("g"); } while (!first.Events.GetValueOrDefault(TeleopEvent.Success) && clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.True(first.Events[TeleopEvent.Success]);
        Assert.True(first.Events[TeleopEvent.IsIntervention]);
        // A poll reads the stick before it takes the presses, so the stick may show on the next poll.
        var stick = first;
        while (Math.Abs(stick.Action["delta_x"] - 1.0) > 1e-6 && clock.Elapsed < TimeSpan.FromSeconds(5)) stick = await Teleop("g");
        Assert.Equal(1.0, stick.Action["delta_x"], 6);

        await Task.Delay(100); // several polls later
        var second = await Teleop("g");
        Assert.False(second.Events.GetValueOrDefault(TeleopEvent.Success), "a press is reported once");
        Assert.True(second.Events[TeleopEvent.IsIntervention], "RB is still held");

        // Unplugged: the reader sees the end of its stream and the device node disappears, as /dev/input/js0 does.
        await writer.DisposeAsync();
        File.Delete(_fifo);
        await WaitForState("g", DeviceState.Disconnected, TimeSpan.FromSeconds(5));
        Assert.Contains("gamepad lost", (await Status("g")).Devices.Single(d => d.Name == "teleop").Detail);
    }

    /// <summary>
    /// Status questions never hold up a robot's control messages: the supervisor and the robots manager collect
    /// answers in the background instead of awaiting them inside a handler.
    /// </summary>
    [Fact]
    public async Task A_slow_device_status_does_not_delay_a_goal_or_another_robot_message()
    {
        var robot = _node.System.ActorSelection("/user/robots/f");
        var manager = _node.System.ActorSelection("/user/robots");
        var positions = (await robot.Ask<LatestPositions>(GetLatestPositions.Instance, TimeSpan.FromSeconds(5))).Positions;

        // The leader arm answers slowly, so its actor falls behind its polls and answers a status late (past 500 ms).
        _leader.SlowReply = TimeSpan.FromMilliseconds(35);
        await Task.Delay(1500);

        var statuses = Enumerable.Range(0, 4).Select(_ => robot.Ask<RobotStatusReport>(new GetRobotStatus("f"), TimeSpan.FromSeconds(10))).ToList();
        var list = manager.Ask<RobotList>(ListRobots.Instance, TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        var sent = await robot.Ask<GoalsSent>(new SendGoals(positions), TimeSpan.FromSeconds(10));
        var goal = clock.Elapsed;
        var read = await manager.Ask<MotorValues>(new ReadMotors("f", "Present_Position"), TimeSpan.FromSeconds(10));
        var other = clock.Elapsed;

        // Awaiting four statuses inside the supervisor's handler took at least 4 × 500 ms before the goal could pass
        // (the teleoperator's answer times out each time); the margin below leaves room for a loaded machine.
        Assert.True(goal < TimeSpan.FromMilliseconds(1000), $"the goal waited {goal.TotalMilliseconds:F0} ms behind status questions");
        Assert.True(other < TimeSpan.FromMilliseconds(1500), $"a motor read through the manager waited {other.TotalMilliseconds:F0} ms");
        Assert.Equal(6, sent.Sent.Count);
        Assert.Equal(6, read.Values.Count);

        // The statuses still come, with the slow device's last known counters.
        foreach (var status in await Task.WhenAll(statuses)) Assert.Equal(["motors-main", "teleop"], status.Devices.Select(d => d.Name));
        Assert.Equal(["f", "g"], (await list).Robots.Select(r => r.RobotId));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(400), "the slow device did not slow the status down: the test proves nothing");
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _follower.Dispose();
        _leader.Dispose();
        foreach (var d in _disposables) d.Dispose();
        _dir.Dispose();
    }
}
