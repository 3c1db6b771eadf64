using Akka.Actor;
using Akka.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Persistence;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;
using RobotActors.Host.Configuration;
using RobotActors.Rl.Training;

namespace RobotActors.Host.Tests;

/// <summary>`robotactors report <data-dir>`: episodes journaled by real SessionActors and a learner progress log, plotted and summarized.</summary>
[Collection("console")]
public sealed class ReportCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ra-report-" + Guid.NewGuid().ToString("N")[..8]);
    private string Data => Path.Combine(_dir, "data");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    // Episodes of a robot whose operator intervenes less as it succeeds more: outcome and intervened steps per episode.
    private async Task JournalAsync(string robot, IReadOnlyList<(EpisodeOutcome Outcome, int Intervened)> episodes, int steps = 4)
    {
        var settings = ConfigLoader.LoadDefaults([$"robotactors.data-dir={Data}"]).Settings;
        JournalConfig.PrepareSqlite(settings.Journal.Sqlite, settings.DataPath);
        var system = ActorSystem.Create("journal", ConfigurationFactory.ParseString("akka.actor.provider = local\nakka.extensions = []\nakka.loglevel = ERROR").WithFallback(NodeConfig.Build(settings)));
        try
        {
            var session = system.ActorOf(SessionActor.Props(robot, settings.Session));
            var wait = TimeSpan.FromSeconds(30);
            await session.Ask<SessionStatus>(new StartSession(robot, "push_cube", 10), wait);
            foreach (var (outcome, intervened) in episodes)
            {
                var episode = (await session.Ask<EpisodeOpened>(new StartEpisode(robot), wait)).Episode;
                for (var i = 0; i < steps; i++)
                {
                    var observation = new Observation(new Dictionary<string, float[]> { ["observation.state"] = [i] }, new Dictionary<string, RobotActors.Datasets.Images.ImageFrame>());
                    var last = i == steps - 1;
                    var reward = last && outcome == EpisodeOutcome.Success ? 1 : 0;
                    var step = new StepRecord(episode, i, observation, [0f], reward, last, false, i < intervened, 0, 0, DateTimeOffset.UtcNow, last ? observation : null);
                    await session.Ask<StepsAcknowledged>(new RecordStep(robot, step), wait);
                }
                await session.Ask<EpisodeClosed>(new EndEpisode(robot, episode, outcome), wait);
            }
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => InProcessCli.RunAsync(args);

    [Fact]
    public async Task Journaled_episodes_and_the_learners_progress_become_plots_and_a_summary_and_bad_input_is_named()
    {
        var (missing, _, missingErr) = await RunAsync("report", Path.Combine(_dir, "nowhere"));
        Assert.Equal(ExitCodes.Usage, missing);
        Assert.Contains("does not exist", missingErr);
        Directory.CreateDirectory(Data);
        var (empty, _, emptyErr) = await RunAsync("report", Data);
        Assert.Equal(ExitCodes.Usage, empty);
        Assert.Contains("no journal at", emptyErr);

        // 20 early episodes: 5 successes, every step intervened; 20 late ones: 19 successes, one step in four intervened.
        var early = Enumerable.Range(0, 20).Select(i => (i % 4 == 0 ? EpisodeOutcome.Success : EpisodeOutcome.Failure, 4)).ToList();
        var late = Enumerable.Range(0, 20).Select(i => (i == 0 ? EpisodeOutcome.TimeLimit : EpisodeOutcome.Success, 1)).ToList();
        await JournalAsync("arm1", [.. early, (EpisodeOutcome.Rerecord, 4), .. late]);
        await JournalAsync("arm2", [(EpisodeOutcome.Success, 0)]);
        var log = Path.Combine(Data, "learner", LearnerProgressLog.FileName);
        var t0 = DateTimeOffset.Parse("2026-12-01T10:00:00Z");
        for (var i = 0; i < 5; i++) LearnerProgressLog.Append(log, new LearnerProgressPoint(t0.AddSeconds(30 * i), 100 * i, 4 + i, 50 * i, 20));
        File.AppendAllText(log, "{\"time\": \"2026-12-01T10:0"); // a line cut by a crash

        var (code, stdout, stderr) = await RunAsync("report", Data);
        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("robot arm1: 1 session(s), 41 episodes, last 20: success 95%, intervention rate 25%", stdout);
        Assert.Contains("robot arm2: 1 session(s), 1 episodes", stdout);
        Assert.Contains("learner: step 400, 6.0 updates/s on average", stdout);
        Assert.Contains("skipped a line", stderr);

        var report = Path.Combine(Data, "report");
        var md = File.ReadAllText(Path.Combine(report, "report.md"));
        Assert.Contains("| arm1 | 1 | 40 | 164 | 25% / 95% | 100% / 25% |", md); // the re-recorded episode is left out
        Assert.Contains("optimization step 400 after 2.0 min", md);
        foreach (var png in new[] { "episodes.png", "learner.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(report, png));
            Assert.True(bytes.Length > 5000, $"{png} is {bytes.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            Assert.Contains($"]({png})", md);
        }
    }
}
