using Akka.Actor;
using RobotActors.Actors.Control;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Session;
using static RobotActors.Actors.Tests.Transitions.LoopbackCluster;

namespace RobotActors.Actors.Tests.Control;

/// <summary>
/// A robot's HIL-SERL session on one node with both roles, the simulated workcell in lockstep: the control loop acts,
/// every step it hands on is journaled and acknowledged, the learner's pushed weights reach the replica, and the
/// console's controls (intervene, episode marks, pause, resume, stop) do what they say.
/// </summary>
public sealed class ControlLoopActorTests : IDisposable
{
    private const string Robot = "arm";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);
    private readonly TempDir _dir = new();

    private async Task<(RobotActorsNode Node, IActorRef Robots)> StartAsync(string? configPath = null)
    {
        var node = await SessionConfigs.StartSimNodeAsync(_dir.Path, Robot, configPath, "robotactors.weights.push-interval = 1s");
        var robots = await node.System.ActorSelection("/user/robots").ResolveOne(Wait);
        return (node, robots);
    }

    private static Task<ControlStatus> Control(IActorRef robots) => robots.Ask<ControlStatus>(new GetControlStatus(Robot), Wait);
    private static Task<SessionStatus> Session(IActorRef robots) => robots.Ask<SessionStatus>(new GetSessionStatus(Robot), Wait);

    private static async Task<IReadOnlyList<EpisodeSummary>> Episodes(IActorRef robots) =>
        (await robots.Ask<SessionHistory>(new GetSessionHistory(Robot), Wait)).Sessions.SelectMany(s => s.Episodes).ToList();

    private static async Task<ControlReply> Say(IActorRef robots, IControlMessage message) => await robots.Ask<ControlReply>(message, Wait);

    [Fact]
    public async Task A_session_journals_every_step_it_acts_applies_pushed_weights_and_obeys_the_console()
    {
        var (node, robots) = await StartAsync();
        await using var _ = node;

        var refused = await Say(robots, new PauseControl(Robot));
        Assert.False(refused.Ok);
        Assert.Contains("no session is running", refused.Text);

        var started = await Say(robots, new StartControl(Robot, null));
        Assert.True(started.Ok, started.Text);
        Assert.Contains("push_cube", started.Text);
        Assert.False((await Say(robots, new StartControl(Robot, null))).Ok);

        // The learner trains on what the robot does and pushes weights; the replica acts with them.
        var learning = await EventuallyAsync(() => Control(robots), c => c.PolicyVersion >= 1 || c.State == ControlState.Failed, Wait,
            c => $"{c.State} {c.Detail} episode {c.Episode} version {c.PolicyVersion}");
        Assert.Equal(ControlState.Running, learning.State);
        await EventuallyAsync(() => Session(robots), s => s.EpisodesFinished >= 2, Wait, s => $"{s.EpisodesFinished} episodes");

        // The operator takes over: a whole episode under intervention, then the re-record button ends the open one.
        Assert.True((await Say(robots, new SetIntervention(Robot, true))).Ok);
        Assert.True((await Control(robots)).OperatorIntervening);
        var before = (await Episodes(robots)).Count;
        await EventuallyAsync(() => Episodes(robots), e => e.Skip(before + 1).Any(), Wait, e => $"{e.Count} episodes");
        var operated = (await Episodes(robots))[before + 1];
        Assert.Equal(1.0, operated.InterventionRate, 3);
        Assert.True((await Say(robots, new MarkEpisode(Robot, EpisodeOutcome.Rerecord))).Ok);
        await EventuallyAsync(() => Episodes(robots), e => e.Any(x => x.Outcome == EpisodeOutcome.Rerecord), Wait, e => string.Join(",", e.Select(x => x.Outcome)));
        Assert.True((await Say(robots, new SetIntervention(Robot, false))).Ok);

        // Paused, the loop stops ticking; resumed, it goes on.
        Assert.True((await Say(robots, new PauseControl(Robot))).Ok);
        var paused = await EventuallyAsync(() => Session(robots), s => s.OpenEpisode is null, Wait, s => $"open {s.OpenEpisode}");
        var ticks = (await Control(robots)).Ticks;
        await Task.Delay(500);
        Assert.Equal(ticks, (await Control(robots)).Ticks);
        Assert.Equal(ControlState.Paused, (await Control(robots)).State);
        Assert.True((await Say(robots, new ResumeControl(Robot))).Ok);
        await EventuallyAsync(() => Control(robots), c => c.Ticks > ticks, Wait, c => $"ticks {c.Ticks}");

        // Stopped: every step the loop handed on is durable and acknowledged, and the episodes add up to them.
        Assert.True((await Say(robots, new StopControl(Robot))).Ok);
        var session = await Session(robots);
        Assert.False(session.Active);
        var control = await EventuallyAsync(() => Control(robots), c => c.AcknowledgedSteps == session.DurableSteps, Wait,
            c => $"acknowledged {c.AcknowledgedSteps}, durable {session.DurableSteps}");
        Assert.Equal(ControlState.Idle, control.State);
        var episodes = await Episodes(robots);
        Assert.Equal(session.DurableSteps, episodes.Sum(e => (long)e.Length));
        Assert.True(paused.EpisodesFinished >= 4);
        Assert.Contains(episodes, e => e.Outcome == EpisodeOutcome.Interrupted); // the pause and the stop truncate
    }

    [Fact]
    public async Task A_broken_train_config_is_refused_naming_the_file_and_nothing_moves()
    {
        var path = SessionConfigs.WritePushState(_dir.Path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"utd_ratio\"", "\"utd_ratoi\""));
        var (node, robots) = await StartAsync(path);
        await using var _ = node;

        var reply = await Say(robots, new StartControl(Robot, null));
        Assert.False(reply.Ok);
        Assert.Contains(path.Replace("\\", "/"), reply.Text.Replace("\\", "/"));
        Assert.Contains("utd_ratoi", reply.Text);
        var control = await Control(robots);
        Assert.Equal(ControlState.Failed, control.State);
        Assert.Equal(0, control.Ticks);
        Assert.False((await Session(robots)).Active);
    }

    public void Dispose() => _dir.Dispose();
}
