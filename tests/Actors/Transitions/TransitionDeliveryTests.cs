using System.Collections.Concurrent;
using Akka.Actor;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Session;
using RobotActors.Actors.Transitions;
using RobotActors.Actors.Tests.Session;
using static RobotActors.Actors.Tests.Transitions.LoopbackCluster;

namespace RobotActors.Actors.Tests.Transitions;

/// <summary>
/// Steps from a robot node's session journal reach a learner node's inbox over real remoting (two actor
/// systems in a loopback cluster), through a restart of either side, each step exactly once.
/// </summary>
public sealed class TransitionDeliveryTests : IDisposable
{
    private readonly TempDir _robotDir = new(), _learnerDir = new();
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const string Robot = "arm";
    private static readonly string Producer = SessionActor.PersistenceIdFor(Robot);

    private static IActorRef StartSession(RobotActorsNode node, TransitionSettings transitions) =>
        node.System.ActorOf(SessionActor.Props(Robot, SessionSettings.Default, TransitionFeeder.Props(Producer, transitions)), "session-" + Robot);

    private static async Task<int> OpenEpisodeAsync(IActorRef session) => (await session.Ask<EpisodeOpened>(new StartEpisode(Robot), Wait)).Episode;

    private static void Steps(IActorRef session, int episode, int from, int count)
    {
        for (var i = from; i < from + count; i++)
            session.Tell(new RecordStep(Robot, SessionSteps.Step(episode, i, imageSize: 48, cameras: 2)), ActorRefs.NoSender);
    }

    private static IActorRef StartInbox(RobotActorsNode node, ConcurrentQueue<long> accepted, TransitionSettings transitions) =>
        node.System.ActorOf(TransitionInbox.Props(transitions, node.System.ActorOf(Props.Create(() => new AcceptedSteps(accepted)))), "transitions");

    [Fact]
    public async Task A_learner_node_stopped_hard_mid_stream_and_restarted_gets_every_step_exactly_once_read_back_from_the_robots_journal()
    {
        // A tiny in-memory tail, so what the learner missed while it was away must be read back from the journal.
        var transitions = TransitionSettings.Default with { TailCacheBytes = 64 << 10, MaxBatchBytes = 40 << 10, FlowControlWindow = 4 };
        await using var robot = await StartAsync(_robotDir.Path, "robot", akka: QuickDowning);
        var firstAccepted = new ConcurrentQueue<long>();
        var learner = await StartAsync(_learnerDir.Path, "learner", seed: robot, akka: QuickDowning);
        await WaitForMembersAsync(robot, 2);
        var inbox = StartInbox(learner, firstAccepted, transitions);

        var session = StartSession(robot, transitions);
        await session.Ask<SessionStatus>(new StartSession(Robot, "push_cube", 30), Wait);
        var episode = await OpenEpisodeAsync(session);
        Steps(session, episode, 0, 150);
        await EventuallyAsync(() => InboxStatusAsync(inbox), s => s.NextStep(Producer) >= 40, Wait, s => $"inbox at step {s.NextStep(Producer)}");

        await learner.System.Terminate(); // mid-stream and without leaving the cluster: batches in flight are lost, unconfirmed
        Steps(session, episode, 150, 100); // the robot goes on while the learner is away
        var status = await EventuallyAsync(() => session.Ask<SessionStatus>(new GetSessionStatus(Robot), Wait), s => s.DurableSteps == 250, Wait, s => $"{s.DurableSteps} durable");
        var feeder = await EventuallyAsync(() => robot.System.ActorSelection($"/user/session-{Robot}/transitions").Ask<FeederStatus>(GetFeederStatus.Instance, Wait),
            f => !f.Connected, Wait, f => "the feeder still thinks the learner is there");
        // The robot keeps at most its tail cache (or one journal event) in memory; the rest waits in the journal.
        Assert.True(feeder.TailBytes <= transitions.TailCacheBytes || feeder.TailBatches == 1, $"the robot holds {feeder.TailBatches} batches, {feeder.TailBytes} bytes of steps in memory");
        Assert.True(feeder.TailBytes < 64 * SessionSteps.Step(0, 0, imageSize: 48, cameras: 2).ByteCount + 1);

        var secondAccepted = new ConcurrentQueue<long>();
        await using var restarted = await StartAsync(_learnerDir.Path, "learner", seed: robot, akka: QuickDowning);
        var inbox2 = StartInbox(restarted, secondAccepted, transitions);
        Steps(session, episode, 250, 50);
        await EventuallyAsync(() => InboxStatusAsync(inbox2), s => s.NextStep(Producer) == 300, Wait, s => $"restarted inbox at step {s.NextStep(Producer)}");

        await EventuallyAsync(() => Task.FromResult(secondAccepted.Count + firstAccepted.Count), n => n >= 300, Wait, n => $"{n} accepted");
        var all = firstAccepted.Concat(secondAccepted).ToList();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), all);
        Assert.True(firstAccepted.Count >= 40 && secondAccepted.Count > 0);
        var inboxStatus = (await InboxStatusAsync(inbox2)).Producers.Single();
        Assert.Equal(0, inboxStatus.MissingSteps);
        Assert.True(inboxStatus.Connected);
        Assert.Equal(300, status.DurableSteps + 50);

        // The inbox's own journal holds each step once: what the learner's replay buffer is rebuilt from.
        var received = (await JournalEvents.ReadAsync(restarted.System, TransitionInbox.DefaultPersistenceId)).OfType<TransitionsReceived>()
            .SelectMany(r => Enumerable.Range(0, r.Steps.Count).Select(i => r.FirstStepSeqNr + i)).ToList();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), received);
    }

    [Fact]
    public async Task A_robot_node_restarted_after_everything_was_confirmed_goes_on_delivering()
    {
        // Chunks far smaller than a batch, so every batch crosses as several reliable-delivery chunks and is reassembled.
        var transitions = TransitionSettings.Default with { ChunkBytes = 8 << 10 };
        var accepted = new ConcurrentQueue<long>();
        await using var learner = await StartAsync(_learnerDir.Path, "learner");
        var inbox = StartInbox(learner, accepted, transitions);

        var robot = await StartAsync(_robotDir.Path, "robot", seed: learner);
        var session = StartSession(robot, transitions);
        await session.Ask<SessionStatus>(new StartSession(Robot, "push_cube", 30), Wait);
        Steps(session, await OpenEpisodeAsync(session), 0, 60);
        await EventuallyAsync(() => InboxStatusAsync(inbox), s => s.NextStep(Producer) == 60, Wait, s => $"inbox at step {s.NextStep(Producer)}");
        await robot.LeaveAsync(); // every step sent so far is confirmed: the state Akka's ProducerController fails to restart from

        await using var again = await StartAsync(_robotDir.Path, "robot", seed: learner);
        var resumed = StartSession(again, transitions);
        var episode = await OpenEpisodeAsync(resumed); // the interrupted episode was closed on recovery
        Steps(resumed, episode, 0, 40);
        await EventuallyAsync(() => InboxStatusAsync(inbox), s => s.NextStep(Producer) == 100, Wait, s => $"inbox at step {s.NextStep(Producer)}");
        await EventuallyAsync(() => Task.FromResult(accepted.Count), n => n >= 100, Wait, n => $"{n} accepted");
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), accepted);
        Assert.Equal(0, (await InboxStatusAsync(inbox)).Producers.Single().Duplicates);
    }

    [Fact]
    public async Task A_robot_without_a_learner_says_so_once_and_not_while_the_learner_is_there()
    {
        var transitions = TransitionSettings.Default with { LearnerMissingWarning = TimeSpan.FromSeconds(1) };
        await using var robot = await StartAsync(_robotDir.Path, "robot");
        // Akka's own "failed to find an associated singleton" fires the moment a proxy starts (akka.net#8568); the robot's warning replaces it.
        Assert.False(robot.System.Settings.Config.GetBoolean("akka.cluster.singleton-proxy.log-singleton-identification-failure"));
        var warnings = new ConcurrentQueue<string>();
        robot.System.EventStream.Subscribe(robot.System.ActorOf(Props.Create(() => new Warnings(warnings))), typeof(Akka.Event.Warning));
        var session = StartSession(robot, transitions);
        await session.Ask<SessionStatus>(new StartSession(Robot, "push_cube", 30), Wait);
        Steps(session, await OpenEpisodeAsync(session), 0, 5);

        string[] Missing() => warnings.Where(w => w.Contains("has had no learner", StringComparison.Ordinal)).ToArray();
        var said = await EventuallyAsync(() => Task.FromResult(Missing()), m => m.Length > 0, Wait, _ => "no warning of the missing learner");
        Assert.Matches(@"\(\d+ not yet sent\)", said[0]);
        Assert.Contains("role \"learner\"", said[0]);

        await using var learner = await StartAsync(_learnerDir.Path, "learner", seed: robot);
        var accepted = new ConcurrentQueue<long>();
        StartInbox(learner, accepted, transitions);
        await EventuallyAsync(() => Task.FromResult(accepted.Count), n => n >= 5, Wait, n => $"{n} accepted");
        await Task.Delay(transitions.LearnerMissingWarning * 2); // connected: nothing more is said, and it was said only once before
        Assert.Single(Missing());
    }

    private sealed class Warnings : ReceiveActor
    {
        public Warnings(ConcurrentQueue<string> into) => Receive<Akka.Event.Warning>(w => into.Enqueue(w.ToString()));
    }

    public void Dispose()
    {
        _robotDir.Dispose();
        _learnerDir.Dispose();
    }
}
