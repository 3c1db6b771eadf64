using System.CommandLine;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors bench ...`: performance measured by commands that print numbers, never by timed tests.
/// Each benchmark is a subcommand in its own file; add yours to the list below.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure performance and print the figures.");
        foreach (var sub in new Command[]
        {
            BenchBusCommand.Create(),
            BenchDatasetCommand.Create(),
            BenchSacCommand.Create(),
            BenchHilSerlCommand.Create(),
            BenchTdmpcCommand.Create(),
            BenchPoliciesCommand.Create(),
            BenchEnvStepsCommand.Create(),
            BenchRuntimeCommand.Create(),
            BenchSimCommand.Create(),
            BenchReplayCommand.Create(),
        })
        {
            bench.Add(sub);
        }
        return bench;
    }
}
