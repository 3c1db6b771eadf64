using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;
using static RobotActors.Actors.Tests.Session.SessionSteps;

namespace RobotActors.Actors.Tests.Session;

/// <summary>The SessionActor on Akka.Persistence.TestKit's journal, whose writes can be slowed down or made to fail.</summary>
public sealed class SessionActorTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config TestJournalConfig = ConfigurationFactory.ParseString("""
        akka.persistence.journal.plugin = "akka.persistence.journal.test"
        akka.persistence.journal.test { class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit", plugin-dispatcher = "akka.actor.default-dispatcher" }
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.test"
        akka.persistence.snapshot-store.test { class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit", plugin-dispatcher = "akka.actor.default-dispatcher" }
        akka.loglevel = WARNING
        """).WithFallback(ProtocolSerializer.Hocon);

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public SessionActorTests() : base(TestJournalConfig) { }

    private ITestJournal Journal => TestJournal.FromRef(Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null));

    private static readonly SessionSettings Settings = SessionSettings.Default;

    private IActorRef StartedSession(string robot, SessionSettings? settings = null, int episodes = 0)
    {
        var session = Sys.ActorOf(SessionActor.Props(robot, settings ?? Settings));
        session.Tell(new StartSession(robot, "push_cube", 10));
        Assert.True(ExpectMsg<SessionStatus>(Wait).Active);
        return session;
    }

    private int OpenEpisode(IActorRef session, string robot)
    {
        session.Tell(new StartEpisode(robot));
        return ExpectMsg<EpisodeOpened>(Wait).Episode;
    }

    private List<StepsAcknowledged> AcksUpTo(int lastIndex)
    {
        var acks = new List<StepsAcknowledged>();
        FishForMessage(m =>
        {
            if (m is StepsAcknowledged a) acks.Add(a);
            return m is StepsAcknowledged { UpToIndex: var i } && i >= lastIndex;
        }, Wait);
        return acks;
    }

    [Fact]
    public async Task Steps_sent_without_waiting_are_written_in_batches_and_acknowledged_as_a_high_water_mark()
    {
        await Journal.OnWrite.PassWithDelay(TimeSpan.FromMilliseconds(30)); // a slow disk: steps pile up behind each write
        var session = StartedSession("arm");
        var episode = OpenEpisode(session, "arm");
        for (var i = 0; i < 200; i++) session.Tell(new RecordStep("arm", Step(episode, i, intervention: i is >= 50 and < 80, reward: i == 199 ? 1 : 0, done: i == 199)));

        var acks = AcksUpTo(199);
        Assert.True(acks.Count < 100, $"{acks.Count} acknowledgements for 200 steps: they were not batched");
        Assert.Equal(acks.Select(a => a.UpToIndex).Order(), acks.Select(a => a.UpToIndex));
        Assert.Equal(200, acks[^1].DurableSteps);

        session.Tell(new EndEpisode("arm", episode, EpisodeOutcome.Success));
        var closed = ExpectMsg<EpisodeClosed>(Wait).Summary;
        Assert.Equal((200, 1.0, 0.15, 1), (closed.Length, closed.Return, closed.InterventionRate, closed.Interventions));

        await Journal.OnWrite.Pass();
        var events = await JournalEvents.ReadAsync(Sys, SessionActor.PersistenceIdFor("arm"));
        var recorded = events.OfType<StepsRecorded>().ToList();
        Assert.InRange(recorded.Count, 2, 99);
        Assert.Equal(Enumerable.Range(0, 200), recorded.SelectMany(r => r.Steps).Select(s => s.Index));
        Assert.Equal(recorded.Select(r => r.FirstStepSeqNr), recorded.Select((r, i) => recorded.Take(i).Sum(p => (long)p.Steps.Count)));
        Assert.Equal([(50, true), (80, false)], events.OfType<InterventionMarked>().Select(m => (m.StepIndex, m.On)));
        Assert.IsType<EpisodeEnded>(events[^1]);
        Assert.NotNull(recorded[^1].Steps[^1].NextObservation);
    }

    [Fact]
    public async Task After_a_crash_the_open_episode_is_ended_as_interrupted_with_every_acknowledged_step_and_the_next_episode_follows()
    {
        var session = StartedSession("crash");
        var episode = OpenEpisode(session, "crash");
        for (var i = 0; i < 50; i++) session.Tell(new RecordStep("crash", Step(episode, i, reward: 0.1f)));
        var acknowledged = AcksUpTo(49)[^1];

        Watch(session);
        session.Tell(Kill.Instance);
        ExpectTerminated(session, Wait);

        var restarted = Sys.ActorOf(SessionActor.Props("crash", Settings));
        restarted.Tell(new GetSessionStatus("crash"));
        var status = ExpectMsg<SessionStatus>(Wait);
        Assert.True(status.Active);
        Assert.Null(status.OpenEpisode);
        Assert.Equal(1, status.EpisodesFinished);
        Assert.Equal(acknowledged.DurableSteps, status.DurableSteps);

        restarted.Tell(new StartEpisode("crash"));
        Assert.Equal(episode + 1, ExpectMsg<EpisodeOpened>(Wait).Episode);

        var events = await JournalEvents.ReadAsync(Sys, SessionActor.PersistenceIdFor("crash"));
        var interrupted = events.OfType<EpisodeEnded>().Single();
        Assert.Equal((EpisodeOutcome.Interrupted, 50, true), (interrupted.Outcome, interrupted.Length, interrupted.Truncated));
        Assert.Equal(5.0, interrupted.Return, 4);
        Assert.Single(events.OfType<SessionResumed>());
    }

    [Fact]
    public async Task When_the_journal_fails_nothing_more_is_acknowledged_and_the_supervised_session_comes_back_with_what_was()
    {
        var session = Sys.ActorOf(SessionActor.Supervised("flaky", Settings));
        session.Tell(new StartSession("flaky", "reach", 30));
        ExpectMsg<SessionStatus>(Wait);
        var episode = OpenEpisode(session, "flaky");
        for (var i = 0; i < 20; i++) session.Tell(new RecordStep("flaky", Step(episode, i)));
        var acknowledged = AcksUpTo(19)[^1].DurableSteps;

        await Journal.OnWrite.Fail();
        for (var i = 20; i < 40; i++) session.Tell(new RecordStep("flaky", Step(episode, i)));
        ExpectNoMsg(TimeSpan.FromMilliseconds(500)); // nothing unwritten is acknowledged
        await Journal.OnWrite.Pass();

        SessionStatus? status = null;
        await AwaitAssertAsync(async () =>
        {
            status = await session.Ask<SessionStatus>(new GetSessionStatus("flaky"), TimeSpan.FromSeconds(1));
            Assert.Null(status.OpenEpisode);
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200));
        Assert.Equal(acknowledged, status!.DurableSteps);
        var events = await JournalEvents.ReadAsync(Sys, SessionActor.PersistenceIdFor("flaky"));
        Assert.Equal(20, events.OfType<EpisodeEnded>().Single().Length);
    }

    [Fact]
    public void Steps_out_of_order_or_without_an_episode_are_refused_with_the_reason_and_the_session_goes_on()
    {
        var session = StartedSession("strict");
        session.Tell(new RecordStep("strict", Step(0, 0)));
        Assert.Contains("no episode is open", ExpectMsg<SessionCommandRefused>(Wait).Reason);

        var episode = OpenEpisode(session, "strict");
        session.Tell(new RecordStep("strict", Step(episode, 0)));
        ExpectMsg<StepsAcknowledged>(Wait);
        session.Tell(new RecordStep("strict", Step(episode, 5)));
        Assert.Contains("out of order: expected step 1", ExpectMsg<SessionCommandRefused>(Wait).Reason);
        session.Tell(new StartSession("strict", "again", 10));
        Assert.Contains("already running", ExpectMsg<SessionCommandRefused>(Wait).Reason);
        session.Tell(new StartEpisode("strict"));
        Assert.Contains("still open", ExpectMsg<SessionCommandRefused>(Wait).Reason);

        session.Tell(new RecordStep("strict", Step(episode, 1)));
        Assert.Equal(1, ExpectMsg<StepsAcknowledged>(Wait).UpToIndex);
    }

    [Fact]
    public async Task Snapshots_are_taken_so_recovery_replays_few_events_and_the_history_survives()
    {
        var settings = Settings with { SnapshotEvery = 10 };
        var session = StartedSession("snap", settings);
        for (var e = 0; e < 4; e++)
        {
            var episode = OpenEpisode(session, "snap");
            for (var i = 0; i < 5; i++) session.Tell(new RecordStep("snap", Step(episode, i, reward: 1)));
            AcksUpTo(4);
            session.Tell(new EndEpisode("snap", episode, e % 2 == 0 ? EpisodeOutcome.Success : EpisodeOutcome.Failure));
            ExpectMsg<EpisodeClosed>(Wait);
        }
        var snapshots = Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        var loaded = await snapshots.Ask<LoadSnapshotResult>(new LoadSnapshot(SessionActor.PersistenceIdFor("snap"), SnapshotSelectionCriteria.Latest, long.MaxValue), Wait);
        Assert.NotNull(loaded.Snapshot);
        Assert.IsType<SessionState>(loaded.Snapshot.Snapshot);

        Sys.Stop(session);
        var recovered = Sys.ActorOf(SessionActor.Props("snap", settings));
        recovered.Tell(new GetSessionHistory("snap"));
        var history = ExpectMsg<SessionHistory>(Wait);
        var episodes = history.Sessions.Single().Episodes;
        Assert.Equal([0, 1, 2, 3], episodes.Select(e => e.Episode));
        Assert.All(episodes, e => Assert.Equal((5, 5.0), (e.Length, e.Return)));
        recovered.Tell(new GetSessionStatus("snap"));
        Assert.Equal(0.5, ExpectMsg<SessionStatus>(Wait).SuccessRate);
    }
}
