using System.CommandLine;
using Akka.Actor;
using Akka.Configuration;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Session;
using RobotActors.Host.Configuration;
using RobotActors.Rl.Training;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors report <data-dir>`: plots and a markdown summary of the HIL-SERL sessions a node ran with that data
/// folder — every robot's episodes from its session journal and the learner's throughput from its progress log.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var dataDir = new Argument<string>("data-dir") { Description = "The node's data folder (robotactors.data-dir), e.g. ./data." };
        var config = new Option<string?>("--config") { Description = "The node's config, for its journal settings (default: the embedded defaults, SQLite in data-dir)." };
        var output = new Option<string?>("--output") { Description = "Where to write report.md and the PNGs (default: <data-dir>/report)." };
        var learnerDir = new Option<string?>("--learner-dir") { Description = "The learner's output folder with progress.jsonl (default: <data-dir>/learner)." };
        var command = new Command("report", "Plot a data folder's HIL-SERL sessions: episode return, success and intervention rates, learner throughput.")
        {
            dataDir, config, output, learnerDir,
        };
        command.SetAction(async parse =>
        {
            var dir = Path.GetFullPath(parse.GetValue(dataDir)!);
            if (!Directory.Exists(dir))
                throw new UserFacingException($"data-dir {dir} does not exist; give the folder a node ran with (robotactors.data-dir, ./data for the embedded default).", ExitCodes.Usage);
            var set = new[] { $"robotactors.data-dir={dir}" };
            var settings = parse.GetValue(config) is { } file ? ConfigLoader.Load(file, set).Settings : ConfigLoader.LoadDefaults(set).Settings;
            if (settings.Journal.Backend == JournalBackend.Sqlite && !File.Exists(Path.Combine(settings.DataPath, settings.Journal.Sqlite.JournalFile)))
                throw new UserFacingException($"no journal at {Path.Combine(settings.DataPath, settings.Journal.Sqlite.JournalFile)}; has a node run with this data folder?", ExitCodes.Usage);

            var akka = ConfigurationFactory.ParseString("akka.actor.provider = local\nakka.extensions = []\nakka.loglevel = ERROR\nakka.stdout-loglevel = OFF")
                .WithFallback(NodeConfig.Build(settings));
            var system = ActorSystem.Create("robotactors-report", akka);
            try
            {
                var robots = new List<SessionState>();
                foreach (var robot in await SessionJournal.RobotsAsync(system))
                    robots.Add(await SessionJournal.ReadStateAsync(system, robot));
                var progress = Path.Combine(parse.GetValue(learnerDir) ?? Path.Combine(dir, "learner"), LearnerProgressLog.FileName);
                var learner = LearnerProgressLog.Read(progress, skipped => Console.Error.WriteLine("warning: " + skipped));
                var files = SessionReport.Write(Path.GetFullPath(parse.GetValue(output) ?? Path.Combine(dir, "report")), robots, learner);
                foreach (var robot in robots)
                {
                    var (success, intervention, n) = robot.Recent();
                    Console.WriteLine($"robot {robot.RobotId}: {robot.Sessions.Count} session(s), {robot.Episodes.Count()} episodes, last {n}: success {success * 100:F0}%, intervention rate {intervention * 100:F0}%, policy version {robot.PolicyVersion}");
                }
                if (learner.Count > 0)
                    Console.WriteLine($"learner: step {learner[^1].OptimizationStep}, {learner.Average(p => p.UpdatesPerSecond):F1} updates/s on average ({progress})");
                Console.WriteLine($"Report: {files.Summary}" + (files.Plots.Count > 0 ? $"; plots: {string.Join(", ", files.Plots)}" : " (nothing to plot yet)"));
                return ExitCodes.Ok;
            }
            finally
            {
                await system.Terminate();
            }
        });
        return command;
    }
}
