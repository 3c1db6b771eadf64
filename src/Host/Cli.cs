using System.CommandLine;
using RobotActors.Actors.Configuration;
using RobotActors.Host.Commands;
using RobotActors.Host.Configuration;

namespace RobotActors.Host;

/// <summary>
/// The `robotactors` command tree. Each command (or group) lives in its own file under Commands/
/// and exposes a static Create(); add yours to the list below.
/// </summary>
public static class Cli
{
    public static RootCommand Build()
    {
        // The v0.5 sac policy is implemented with the SAC algorithm in RobotActors.Rl.
        RobotActors.Rl.RlPolicies.Register();
        var root = new RootCommand("RobotActors: teleoperate, record, train and run robot policies on an Akka.NET cluster.");
        root.Add(CliOptions.Verbose);
        foreach (var command in new Command[]
        {
            NodeCommand.Create(),
            ConsoleCommand.Create(),
            DoctorCommand.Create(),
            VersionCommand.Create(),
            BenchCommand.Create(),
            EmulatorCommand.Create(),
            FindPortCommand.Create(),
            MotorsCommand.Create(),
            SetupMotorsCommand.Create(),
            CalibrateCommand.Create(),
            TeleoperateCommand.Create(),
            DatasetCommand.Create(),
            PoliciesCommand.Create(),
            TrainCommand.Create(),
            FindJointLimitsCommand.Create(),
            FindCamerasCommand.Create(),
            CropDatasetRoiCommand.Create(),
            RecordCommand.Create(),
            ReplayCommand.Create(),
            EvalCommand.Create(),
            RolloutCommand.Create(),
            ExportSessionCommand.Create(),
            ReportCommand.Create(),
        })
        {
            root.Add(command);
        }
        CliHelp.Install(root);
        return root;
    }

    /// <summary>
    /// Runs the command line. Configuration and usage errors print one line and exit 2; other failures
    /// print their message (and the stack trace only with --verbose) and exit 1.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = Build();
        var parsed = root.Parse(args);
        var verbose = parsed.GetValue(CliOptions.Verbose);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"robotactors: {error.Message}");
            Console.Error.WriteLine("Run 'robotactors --help' (or '<command> --help') for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                // Ctrl+C and SIGTERM cancel the running command's token; a command that has not finished
                // this long afterwards is ended. Long enough for a node's graceful leave, which bounds itself.
                ProcessTerminationTimeout = TimeSpan.FromMinutes(1),
            });
        }
        catch (Exception ex) when (ex is ConfigException or SettingsException)
        {
            Console.Error.WriteLine($"robotactors: config error: {ex.Message}");
            if (verbose) Console.Error.WriteLine(ex);
            return ExitCodes.Usage;
        }
        catch (UserFacingException ex)
        {
            Console.Error.WriteLine($"robotactors: {ex.Message}");
            if (verbose) Console.Error.WriteLine(ex);
            return ex.ExitCode;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"robotactors: {(verbose ? ex.GetBaseException().Message : WithoutNativeTrace(ex.GetBaseException().Message))}");
            Console.Error.WriteLine(verbose ? ex.ToString() : "(run again with --verbose for the stack trace)");
            return ExitCodes.Failed;
        }
    }

    /// <summary>
    /// libtorch puts its C++ stack ("Exception raised from ... frame #0: ...") into the message itself;
    /// without --verbose only the sentence before it is shown.
    /// </summary>
    public static string WithoutNativeTrace(string message)
    {
        foreach (var marker in new[] { "\nException raised from ", "\nframe #0", "\nTrace from " })
        {
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) message = message[..at];
        }
        return message.TrimEnd();
    }
}

/// <summary>An error whose message already tells the user what is wrong and what to do.</summary>
public class UserFacingException(string message, int exitCode = ExitCodes.Failed, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
