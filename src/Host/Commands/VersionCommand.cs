using System.CommandLine;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors version`: the application version.</summary>
public static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the RobotActors version.");
        command.SetAction(_ => Console.WriteLine($"robotactors {AppInfo.Version}"));
        return command;
    }
}
