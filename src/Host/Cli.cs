using System.CommandLine;
using RobotActors.Host.Commands;

namespace RobotActors.Host;

/// <summary>
/// The `robotactors` command tree. Each command (or group) lives in its own file under Commands/
/// and exposes a static Create(); add yours to the list below.
/// </summary>
public static class Cli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("RobotActors: teleoperate, record, train and run robot policies on an Akka.NET cluster.");
        foreach (var command in new Command[]
        {
            VersionCommand.Create(),
            BenchCommand.Create(),
            EmulatorCommand.Create(),
            FindPortCommand.Create(),
            MotorsCommand.Create(),
            SetupMotorsCommand.Create(),
            CalibrateCommand.Create(),
            TeleoperateCommand.Create(),
            FindJointLimitsCommand.Create(),
        })
        {
            root.Add(command);
        }
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Build();
        return await root.Parse(args).InvokeAsync();
    }
}
