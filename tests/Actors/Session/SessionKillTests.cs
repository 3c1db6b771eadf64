using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Persistence;
using RobotActors.Actors.Session;

namespace RobotActors.Actors.Tests.Session;

/// <summary>
/// A process recording steps into its SQLite session journal is killed with SIGKILL mid-episode: every step it was
/// told is durable is in the journal, and the next start ends that episode as interrupted and goes on.
/// </summary>
public sealed class SessionKillTests : IDisposable
{
    private readonly TempDir _dir = new();

    private static string HelperDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "SessionProcess", "bin", configuration, "net10.0",
            "RobotActors.Actors.SessionProcess.dll"));
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"session helper not built at {dll}");
    }

    [Fact]
    public async Task Every_acknowledged_step_survives_kill_9_and_the_episode_is_then_ended_as_interrupted()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(HelperDll());
        psi.ArgumentList.Add(_dir.Path);
        psi.ArgumentList.Add("sim");
        var lines = new BlockingCollection<string>();
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Add("ERR " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        long acknowledged = 0;
        var deadline = Stopwatch.StartNew();
        while (acknowledged < 45)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"only {acknowledged} steps acknowledged");
            if (!lines.TryTake(out var line, 200)) { Assert.False(process.HasExited, "the session process exited"); continue; }
            Assert.False(line.StartsWith("ERR "), line);
            if (line.StartsWith("acked ")) acknowledged = long.Parse(line["acked ".Length..]);
        }
        process.Kill(); // SIGKILL: no shutdown, no flush
        await process.WaitForExitAsync();
        while (lines.TryTake(out var late)) if (late.StartsWith("acked ")) acknowledged = long.Parse(late["acked ".Length..]);

        var settings = TestSettings.Create(_dir.Path);
        var config = ConfigurationFactory.ParseString("akka.actor.provider = local\nakka.extensions = []").WithFallback(NodeConfig.Build(settings));
        var system = ActorSystem.Create("after-kill", config);
        try
        {
            var journaled = (await JournalEvents.ReadAsync(system, SessionActor.PersistenceIdFor("sim"))).OfType<StepsRecorded>()
                .SelectMany(r => r.Steps).Select(s => s.Index).ToList();
            Assert.True(journaled.Count >= acknowledged, $"{acknowledged} steps were acknowledged but the journal holds {journaled.Count}");
            Assert.Equal(Enumerable.Range(0, journaled.Count), journaled);

            var session = system.ActorOf(SessionActor.Props("sim", SessionSettings.Default));
            var history = await session.Ask<SessionHistory>(new GetSessionHistory("sim"), TimeSpan.FromSeconds(30));
            var interrupted = history.Sessions.Single().Episodes.Single();
            Assert.Equal((EpisodeOutcome.Interrupted, journaled.Count), (interrupted.Outcome, interrupted.Length));
            Assert.Equal(1, history.Sessions.Single().Resumes);
            Assert.Equal(1, (await session.Ask<EpisodeOpened>(new StartEpisode("sim"), TimeSpan.FromSeconds(30))).Episode);
        }
        finally
        {
            await system.Terminate();
        }
    }

    public void Dispose() => _dir.Dispose();
}
