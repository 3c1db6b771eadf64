using System.CommandLine;
using RobotActors.Actors.Hosting;
using RobotActors.Host.Configuration;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors node --config FILE [--set k=v]...`: starts a cluster node with the configured roles and
/// runs until Ctrl+C or SIGTERM, then leaves the cluster gracefully.
/// </summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var set = CliOptions.Set();
        var command = new Command("node", "Start a cluster node with the roles in its config; Ctrl+C or SIGTERM leaves the cluster gracefully.")
        {
            config, set,
        };
        // The token is cancelled on Ctrl+C or SIGTERM (System.CommandLine's termination handling, see Cli).
        command.SetAction((parse, cancel) => RunAsync(parse.GetValue(config)!, parse.GetValue(set)!, cancel));
        return command;
    }

    /// <summary>Runs a node until Ctrl+C or SIGTERM (also what `train` with a HIL-SERL config runs).</summary>
    internal static async Task<int> RunAsync(string configFile, string[] overrides, CancellationToken stopRequested)
    {
        var loaded = ConfigLoader.Load(configFile, overrides);
        var settings = loaded.Settings;
        // Policy plugins are discovered at start, from the configured folder; a broken one is skipped with a warning.
        var plugins = PluginOption.Discover(settings.Plugins.Folder, Console.Error);
        var node = RobotActorsNode.Start(settings, AppInfo.Version, loaded.UserAkka);
        if (plugins.Plugins.Count > 0)
            Console.WriteLine($"Policy plugins: {string.Join(", ", plugins.Plugins.Select(p => $"{p.AssemblyName} ({string.Join(", ", p.PolicyTypes)})"))}");

        var stop = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onSignal = stopRequested.Register(() => stop.TrySetResult("Ctrl+C or SIGTERM"));
        _ = node.System.WhenTerminated.ContinueWith(_ => stop.TrySetResult("the actor system stopped"));

        try
        {
            await node.WaitUntilUpAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine($"robotactors: node {node.Address} did not join a cluster within 60 s; are the seed nodes ({string.Join(", ", settings.Node.SeedNodes)}) running and reachable?");
        }

        var address = node.Address;
        Console.WriteLine($"RobotActors node {address} is Up with roles [{string.Join(", ", settings.Node.Roles)}]; journal: {settings.Journal.Backend.ToString().ToLowerInvariant()} ({(settings.Journal.Backend == Actors.Configuration.JournalBackend.Sqlite ? settings.DataPath : "postgres")}).");
        Console.WriteLine($"Console: robotactors console --contact {address.Host}:{address.Port} status    (Ctrl+C here leaves the cluster)");

        var reason = await stop.Task;
        Console.WriteLine($"{reason}: leaving the cluster...");
        var leave = node.LeaveAsync();
        if (await Task.WhenAny(leave, Task.Delay(settings.Node.ShutdownTimeout + TimeSpan.FromSeconds(5))) != leave)
        {
            Console.Error.WriteLine($"robotactors: the node did not finish leaving within {settings.Node.ShutdownTimeout.TotalSeconds:0} s; exiting anyway.");
            return ExitCodes.Failed;
        }
        Console.WriteLine($"Node {address} left the cluster and stopped.");
        return ExitCodes.Ok;
    }
}
