using System.Text.Json.Nodes;
using Akka.Actor;
using RobotActors.Actors.Control;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Robots;
using RobotActors.Actors.Session;
using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;
using RobotActors.Devices.Teleoperators;
using static RobotActors.Actors.Tests.Transitions.LoopbackCluster;

namespace RobotActors.Actors.Tests.Control;

/// <summary>
/// A HIL-SERL session on a real arm (not "sim"): an SO-101 follower on the servo-bus emulator's pseudo-terminal, driven
/// through the robot's device actors. The loop acts in real time on the positions the bus actor publishes, its goals
/// reach the servos through the bus actor's safety step, and a pulled cable holds the loop (counted) instead of
/// stopping it; the session goes on once the cable is back. The robot's gamepad (a FIFO standing in for
/// /dev/input/js0, read by its TeleopActor) intervenes and ends episodes as it would on a real arm.
/// </summary>
public sealed class RealArmSessionTests : IAsyncLifetime
{
    private const string Robot = "arm";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly TempDir _dir = new();
    private ServoBusEmulator _bus = null!;
    private RobotActorsNode _node = null!;
    private IActorRef _robots = ActorRefs.Nobody;
    private string _gamepad = "";

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    public async Task InitializeAsync()
    {
        _gamepad = Path.Combine(_dir.Path, "js0");
        Assert.Equal(0, mkfifo(_gamepad, Convert.ToUInt32("600", 8)));
        var calibration = Path.Combine(_dir.Path, "calibration");
        CalibrationFile.Save(Path.Combine(calibration, Robot + ".json"), SimulatedArm.DefaultCalibration("so101_follower"));
        _bus = ServoBusEmulator.ForArm(linkPath: Path.Combine(_dir.Path, "arm.tty"));
        _node = await StartAsync(Path.Combine(_dir.Path, "data"), "\"robot\", \"learner\"", extra: $$"""
            robotactors.robots = [ { id = "{{Robot}}", type = "so101_follower", port = "{{_bus.PortPath}}", calibration-dir = "{{calibration}}",
                                   teleop-type = "gamepad", teleop-port = "{{_gamepad}}" } ]
            robotactors.hilserl.config-path = "{{WriteRealArmConfig(_dir.Path).Replace("\\", "/")}}"
            robotactors.device { poll-interval = 50ms, min-backoff = 100ms, max-backoff = 500ms }
            """);
        _robots = await _node.System.ActorSelection("/user/robots").ResolveOne(Wait);
        await _node.WaitForRobotStateAsync(Robot, DeviceState.Ready, Wait);
    }

    /// <summary>The state-only push config of the sim tests, made a real arm's: no cameras, a gamepad as the operator, short episodes.</summary>
    private static string WriteRealArmConfig(string dir)
    {
        var path = SessionConfigs.WritePushState(dir, controlTimeS: 1.0);
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var env = config["env"]!.AsObject();
        env["task"] = null;
        env["robot"]!["port"] = "/dev/ttyACM0"; // the node's robot settings name the port; the config's is not used
        env["teleop"] = new JsonObject { ["type"] = "gamepad", ["use_gripper"] = true };
        env["processor"]!["reset"]!["reset_time_s"] = 0.1;
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    private Task<ControlStatus> Control() => _robots.Ask<ControlStatus>(new GetControlStatus(Robot), Wait);
    private Task<SessionStatus> Session() => _robots.Ask<SessionStatus>(new GetSessionStatus(Robot), Wait);

    private async Task<IReadOnlyList<EpisodeSummary>> Episodes() =>
        (await _robots.Ask<SessionHistory>(new GetSessionHistory(Robot), Wait)).Sessions.SelectMany(s => s.Episodes).ToList();

    /// <summary>Every goal register of the emulated servos, checked against the calibrated range while the session runs.</summary>
    private sealed class GoalWatch
    {
        public int Samples;
        public readonly List<string> OutOfRange = [];
        public readonly HashSet<int> Seen = [];
    }

    private async Task WatchGoals(GoalWatch watch, CancellationToken stop)
    {
        var ranges = SimulatedArm.DefaultCalibration("so101_follower").Values.ToDictionary(c => c.Id);
        while (!stop.IsCancellationRequested)
        {
            foreach (var servo in _bus.Servos)
            {
                var goal = servo.Get("Goal_Position");
                var range = ranges[servo.Id];
                if (goal < range.RangeMin || goal > range.RangeMax) lock (watch) watch.OutOfRange.Add($"servo {servo.Id}: goal {goal} outside {range.RangeMin}..{range.RangeMax}");
                lock (watch) watch.Seen.Add(servo.Id * 10000 + goal);
            }
            Interlocked.Increment(ref watch.Samples);
            try { await Task.Delay(10, stop); } catch (TaskCanceledException) { }
        }
    }

    [Fact]
    public async Task A_session_drives_the_emulated_arm_within_its_limits_and_holds_while_the_bus_is_unplugged()
    {
        var writesBefore = _bus.Servos.Sum(s => s.WritesReceived);
        using var stopWatching = new CancellationTokenSource();
        var watch = new GoalWatch();
        var watching = WatchGoals(watch, stopWatching.Token);

        var started = await _robots.Ask<ControlReply>(new StartControl(Robot, null), Wait);
        Assert.True(started.Ok, started.Text);
        await EventuallyAsync(Session, s => s.EpisodesFinished >= 2, Wait, s => $"{s.EpisodesFinished} episodes");
        var running = await Control();
        Assert.Equal(ControlState.Running, running.State);
        Assert.True(running.Ticks > 10, $"{running.Ticks} ticks");
        Assert.True(_bus.Servos.Sum(s => s.WritesReceived) > writesBefore + 20, "the servos received the loop's goals");
        // The reset moved the arm to fixed_reset_joint_positions: the wrist at 60° is 2047 + 60/360 × 4096 ≈ 2730 steps.
        Assert.InRange(_bus.Servo(4).Get("Goal_Position"), 2300, 3072);

        // Unplugged mid-episode (a few steps in, not while it resets): the loop holds and counts, and neither it nor the node fails.
        var open = await EventuallyAsync(Control, c => c.Episode >= 2 && c.Step is >= 3 and <= 6, Wait, c => $"episode {c.Episode} step {c.Step}");
        // (Compared with before, not with zero: on a loaded machine the bus may have missed a reply and reconnected already.)
        var heldBefore = open.HeldTicks;
        _bus.Unplug();
        var held = await EventuallyAsync(Control, c => c.HeldTicks >= heldBefore + 5 || c.State == ControlState.Failed, Wait, c => $"{c.State} {c.Detail} held {c.HeldTicks}");
        Assert.Equal(ControlState.Running, held.State);
        await Task.Delay(1500); // longer than a hold may last inside an episode
        Assert.Equal(ControlState.Running, (await Control()).State);

        _bus.Replug();
        var finished = (await Session()).EpisodesFinished;
        await EventuallyAsync(Session, s => s.EpisodesFinished >= finished + 1, Wait, s => $"{s.EpisodesFinished} episodes after the replug (was {finished})");
        var after = await Control();
        Assert.Equal(ControlState.Running, after.State);
        Assert.True(after.HeldTicks >= held.HeldTicks);
        var cut = (await Episodes()).Single(e => e.Episode == open.Episode);
        Assert.Equal(EpisodeOutcome.Interrupted, cut.Outcome); // the hold ended the episode it cut, with the steps before it
        Assert.InRange(cut.Length, open.Step, 9);

        Assert.True((await _robots.Ask<ControlReply>(new StopControl(Robot), Wait)).Ok);
        stopWatching.Cancel();
        await watching;
        Assert.True(watch.Samples > 50, $"{watch.Samples} samples of the goal registers");
        Assert.Empty(watch.OutOfRange);
        Assert.True(watch.Seen.Count > 12, "the goals changed while the session ran");
    }

    [Fact]
    public async Task The_robots_gamepad_intervenes_in_the_session_and_its_success_button_ends_an_episode()
    {
        await using var writer = new FileStream(_gamepad, FileMode.Open, FileAccess.Write);
        void Send(byte type, byte number, short value)
        {
            writer.Write(new JoystickEvent(0, value, type, number).ToBytes());
            writer.Flush();
        }

        var started = await _robots.Ask<ControlReply>(new StartControl(Robot, null), Wait);
        Assert.True(started.Ok, started.Text);
        await EventuallyAsync(Session, s => s.OpenEpisode is not null, Wait, s => "no episode open");
        var first = (await Session()).OpenEpisode!.Value;

        // RB held from before an episode opens to after it ends: the operator drove every step of it.
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonRb, 1);
        Send(JoystickEvent.Axis, 1, -20000); // the stick a little forward
        var operated = await EventuallyAsync(Episodes, e => e.Any(x => x.Episode >= first + 2), Wait, e => $"{e.Count} episodes");
        Assert.Equal(1.0, operated.Single(x => x.Episode == first + 1).InterventionRate, 3);

        // A quick press of Y: the open episode ends as a success, once.
        var before = (await Episodes()).Count;
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonY, 1);
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonY, 0);
        var marked = await EventuallyAsync(Episodes, e => e.Skip(before).Any(x => x.Outcome == EpisodeOutcome.Success), Wait,
            e => string.Join(", ", e.Select(x => $"{x.Episode}:{x.Outcome}")));
        Assert.Single(marked.Skip(before), x => x.Outcome == EpisodeOutcome.Success);

        // RB released: the policy has the arm again.
        Send(JoystickEvent.Button, GamepadTeleoperator.ButtonRb, 0);
        var released = (await Episodes()).Count;
        var after = await EventuallyAsync(Episodes, e => e.Count >= released + 2, Wait, e => $"{e.Count} episodes");
        Assert.Equal(0.0, after[released + 1].InterventionRate, 3);
        Assert.True((await _robots.Ask<ControlReply>(new StopControl(Robot), Wait)).Ok);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _bus.Dispose();
        _dir.Dispose();
    }
}
