using Akka.Actor;
using Akka.Configuration;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Persistence;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Tools;
using static RobotActors.Actors.Tests.Session.SessionSteps;

namespace RobotActors.Actors.Tests.Session;

/// <summary>The SessionActor on the node's real SQLite journal: a restart mid-episode, and the export of its episodes to a LeRobotDataset.</summary>
public sealed class SessionJournalTests : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private ActorSystem StartSystem()
    {
        var settings = TestSettings.Create(_dir.Path);
        JournalConfig.PrepareSqlite(settings.Journal.Sqlite, settings.DataPath);
        var config = ConfigurationFactory.ParseString("akka.actor.provider = local\nakka.extensions = []").WithFallback(NodeConfig.Build(settings));
        return ActorSystem.Create("journal", config);
    }

    [Fact]
    public async Task A_restart_mid_episode_keeps_every_acknowledged_step_and_the_journal_exports_to_a_lerobot_dataset()
    {
        var first = StartSystem();
        var session = first.ActorOf(SessionActor.Props("sim", SessionSettings.Default));
        await session.Ask<SessionStatus>(new StartSession("sim", "push_cube", 30), Wait);

        async Task<StepsAcknowledged> Episode(int steps, Func<int, StepRecord> step)
        {
            var opened = await session.Ask<EpisodeOpened>(new StartEpisode("sim"), Wait);
            var acked = new TaskCompletionSource<StepsAcknowledged>();
            var loop = first.ActorOf(Props.Create(() => new AckCollector(steps - 1, acked)));
            for (var i = 0; i < steps; i++) session.Tell(new RecordStep("sim", step(i) with { Episode = opened.Episode }), loop);
            return await acked.Task.WaitAsync(Wait);
        }

        await Episode(20, i => Step(0, i, reward: i == 19 ? 1 : 0, done: i == 19, intervention: i < 5, imageSize: 32, cameras: 2));
        Assert.Equal(1.0, (await session.Ask<EpisodeClosed>(new EndEpisode("sim", 0, EpisodeOutcome.Success), Wait)).Summary.Return);
        await Episode(5, i => Step(1, i, imageSize: 32, cameras: 2));
        await session.Ask<EpisodeClosed>(new EndEpisode("sim", 1, EpisodeOutcome.Rerecord), Wait);
        var acknowledged = await Episode(15, i => Step(2, i, imageSize: 32, cameras: 2));
        await first.Terminate(); // the node goes away with episode 2 open

        var second = StartSystem();
        try
        {
            var resumed = second.ActorOf(SessionActor.Props("sim", SessionSettings.Default));
            var status = await resumed.Ask<SessionStatus>(new GetSessionStatus("sim"), Wait);
            Assert.True(status.Active);
            Assert.Null(status.OpenEpisode);
            Assert.Equal(acknowledged.DurableSteps, status.DurableSteps);
            var history = await resumed.Ask<SessionHistory>(new GetSessionHistory("sim"), Wait);
            Assert.Equal([EpisodeOutcome.Success, EpisodeOutcome.Rerecord, EpisodeOutcome.Interrupted], history.Sessions.Single().Episodes.Select(e => e.Outcome));
            Assert.Equal(15, history.Sessions.Single().Episodes[2].Length);
            Assert.Equal(3, (await resumed.Ask<EpisodeOpened>(new StartEpisode("sim"), Wait)).Episode);

            var root = Path.Combine(_dir.Path, "export");
            var result = await SessionJournal.ExportAsync(second, "sim", root, new SessionExportOptions(RobotType: "so101_follower"));
            Assert.Equal((1, 20L, 3), (result.Episodes, result.Frames, result.Skipped)); // re-recorded, interrupted and the open one are left out
            var report = await DatasetValidator.ValidateAsync(root);
            Assert.True(report.IsValid, report.First);

            var dataset = LeRobotDataset.Open(root);
            Assert.Equal(30, dataset.Fps);
            Assert.Equal(20, dataset.Count);
            var frame = dataset.Get(7);
            var source = Step(0, 7, imageSize: 32, cameras: 2);
            Assert.Equal(source.Observation.Images["observation.images.wrist"].Pixels, frame["observation.images.wrist"].Image.Pixels);
            Assert.Equal(source.Observation.State["observation.state"], frame["observation.state"].ToFloats());
            Assert.Equal(source.Action, frame["action"].ToFloats());
            Assert.Equal("push_cube", frame.Task);
            Assert.Equal(1.0, dataset.Get(19)["next.done"].Scalar);
            Assert.Equal(1.0, dataset.Get(4)["complementary_info.is_intervention"].Scalar);
            Assert.Equal(0.0, dataset.Get(5)["complementary_info.is_intervention"].Scalar);

            var withInterrupted = await SessionJournal.ExportAsync(second, "sim", Path.Combine(_dir.Path, "export2"), new SessionExportOptions(IncludeInterrupted: true));
            Assert.Equal((2, 35L), (withInterrupted.Episodes, withInterrupted.Frames));
        }
        finally
        {
            await second.Terminate();
        }
    }

    /// <summary>Stands in for the control loop: completes when the session acknowledges the last step.</summary>
    private sealed class AckCollector : ReceiveActor
    {
        public AckCollector(int lastIndex, TaskCompletionSource<StepsAcknowledged> done) =>
            Receive<StepsAcknowledged>(a => { if (a.UpToIndex >= lastIndex) done.TrySetResult(a); });
    }

    public void Dispose() => _dir.Dispose();
}
