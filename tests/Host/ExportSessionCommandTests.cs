using Akka.Actor;
using Akka.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Persistence;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Reading;
using RobotActors.Host.Configuration;

namespace RobotActors.Host.Tests;

/// <summary>`robotactors export-session`: a robot's journal, written by a session, to a LeRobotDataset through the command tree.</summary>
[Collection("console")]
public sealed class ExportSessionCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ra-export-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string ConfigFile()
    {
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, "node.conf");
        File.WriteAllText(file, $"robotactors.data-dir = \"{Path.Combine(_dir, "data")}\"\nrobotactors.log-level = ERROR\n");
        return file;
    }

    private static async Task RecordEpisodeAsync(string configFile, int steps)
    {
        var settings = ConfigLoader.Load(configFile).Settings;
        JournalConfig.PrepareSqlite(settings.Journal.Sqlite, settings.DataPath);
        var system = ActorSystem.Create("record", ConfigurationFactory.ParseString("akka.actor.provider = local\nakka.extensions = []").WithFallback(NodeConfig.Build(settings)));
        try
        {
            var session = system.ActorOf(SessionActor.Props("sim", settings.Session));
            var wait = TimeSpan.FromSeconds(30);
            await session.Ask<SessionStatus>(new StartSession("sim", "push_cube", 10), wait);
            var episode = (await session.Ask<EpisodeOpened>(new StartEpisode("sim"), wait)).Episode;
            for (var i = 0; i < steps; i++)
            {
                var observation = new Observation(new Dictionary<string, float[]> { ["observation.state"] = [i, 1] },
                    new Dictionary<string, ImageFrame> { ["observation.images.front"] = new(4, 4, 3, Enumerable.Range(0, 48).Select(p => (byte)(p + i)).ToArray()) });
                var step = new StepRecord(episode, i, observation, [0.5f * i], i == steps - 1 ? 1 : 0, i == steps - 1, false, false, 0, 0, DateTimeOffset.UtcNow,
                    i == steps - 1 ? observation : null);
                var ack = await session.Ask<StepsAcknowledged>(new RecordStep("sim", step), wait);
                Assert.Equal(i, ack.UpToIndex);
            }
            await session.Ask<EpisodeClosed>(new EndEpisode("sim", episode, EpisodeOutcome.Success), wait);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => InProcessCli.RunAsync(args);

    [Fact]
    public async Task A_robots_finished_episodes_export_from_its_journal_and_bad_input_gets_one_clear_error()
    {
        var config = ConfigFile();
        var (noJournal, _, noJournalErr) = await RunAsync("export-session", "--config", config, "--robot", "sim", "--output", Path.Combine(_dir, "out"));
        Assert.Equal(ExitCodes.Usage, noJournal);
        Assert.Contains("no journal at", noJournalErr);

        await RecordEpisodeAsync(config, 6);
        var output = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = await RunAsync("export-session", "--config", config, "--robot", "sim", "--output", output);
        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("1 episodes, 6 frames", stdout);
        var dataset = LeRobotDataset.Open(output);
        Assert.Equal(6, dataset.Count);
        Assert.Equal(10, dataset.Fps);
        Assert.Equal(new float[] { 2.5f }, dataset.Get(5)["action"].ToFloats());

        var (again, _, againErr) = await RunAsync("export-session", "--config", config, "--robot", "sim", "--output", output);
        Assert.True(again == ExitCodes.Usage, againErr);
        Assert.Contains("already exists", againErr);
        Assert.DoesNotContain("   at ", againErr); // no stack trace without --verbose

        var (none, _, noneErr) = await RunAsync("export-session", "--config", config, "--robot", "other", "--output", Path.Combine(_dir, "other"));
        Assert.Equal(ExitCodes.Failed, none);
        Assert.Contains("robot other has no finished episodes", noneErr);
    }
}
