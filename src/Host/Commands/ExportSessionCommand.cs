using System.CommandLine;
using Akka.Actor;
using Akka.Configuration;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Session;
using RobotActors.Datasets;
using RobotActors.Host.Configuration;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors export-session --robot ID --output DIR`: a robot's finished episodes, read from the node's session
/// journal (SQLite or PostgreSQL, as the node's config says), written as a LeRobotDataset v3. The node may keep running.
/// </summary>
public static class ExportSessionCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var set = CliOptions.Set();
        var robot = new Option<string>("--robot") { Description = "The robot whose journal to export (its id in robotactors.robots).", Required = true };
        var output = new Option<string>("--output") { Description = "Folder of the new dataset (must not exist or be empty).", Required = true };
        var session = new Option<int?>("--session") { Description = "Only this session's episodes (default: all)." };
        var interrupted = new Option<bool>("--include-interrupted") { Description = "Also write episodes cut short by a crash." };
        var video = new Option<bool>("--video") { Description = "Camera features as MP4 video (needs ffmpeg) instead of PNG images." };
        var command = new Command("export-session", "Export a robot's session episodes from the node's journal to a LeRobotDataset v3.")
        {
            config, set, robot, output, session, interrupted, video,
        };
        command.SetAction(async parse =>
        {
            var settings = ConfigLoader.Load(parse.GetValue(config)!, parse.GetValue(set)!).Settings;
            var id = parse.GetValue(robot)!;
            var robotType = settings.Robots.FirstOrDefault(r => r.Id == id)?.Type;
            if (settings.Journal.Backend == JournalBackend.Sqlite)
            {
                var file = Path.Combine(settings.DataPath, settings.Journal.Sqlite.JournalFile);
                if (!File.Exists(file))
                    throw new UserFacingException($"no journal at {file}; is robotactors.data-dir ({settings.DataDir}) the folder the node ran with?", ExitCodes.Usage);
            }
            var akka = ConfigurationFactory.ParseString("akka.actor.provider = local\nakka.extensions = []\nakka.loglevel = ERROR\nakka.stdout-loglevel = OFF")
                .WithFallback(NodeConfig.Build(settings));
            var system = ActorSystem.Create("robotactors-export", akka);
            try
            {
                var root = Path.GetFullPath(parse.GetValue(output)!);
                if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
                    throw new UserFacingException($"--output {root} already exists and is not empty; choose a new folder for the dataset.", ExitCodes.Usage);
                var options = new SessionExportOptions(parse.GetValue(session), parse.GetValue(interrupted), parse.GetValue(video), robotType);
                SessionExportResult result;
                try
                {
                    result = await SessionJournal.ExportAsync(system, id, root, options);
                }
                catch (Exception ex) when (ex.GetBaseException() is DatasetFormatException bad)
                {
                    throw new UserFacingException($"the journal's steps do not fit one dataset: {bad.Message}", ExitCodes.Failed, ex);
                }
                if (result.Episodes == 0)
                    throw new UserFacingException($"robot {id} has no finished episodes to export in that journal ({result.Skipped} skipped: re-recorded, interrupted or still open).");
                Console.WriteLine($"{result.Episodes} episodes, {result.Frames} frames written to {result.Root} ({result.Skipped} skipped: re-recorded, interrupted or still open)");
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
