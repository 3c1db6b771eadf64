using Akka.Configuration;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Persistence;

namespace RobotActors.Actors.Hosting;

/// <summary>Composes the Akka configuration of a node from the typed settings and the shared node.conf.</summary>
public static class NodeConfig
{
    private static readonly Lazy<Config> Shared = new(() =>
    {
        using var stream = typeof(NodeConfig).Assembly.GetManifestResourceStream("RobotActors.Actors.Hosting.node.conf")
            ?? throw new InvalidOperationException("node.conf is not embedded in RobotActors.Actors");
        return ConfigurationFactory.ParseString(new StreamReader(stream).ReadToEnd());
    });

    /// <summary>
    /// Akka settings generated from robotactors { } settings, and the setting each comes from. A user's own
    /// value for one of them could only be silently overridden, so the config loader refuses it and names
    /// the RobotActors setting to use; every other Akka setting a user gives is honoured.
    /// </summary>
    public static string? GeneratedFrom(string akkaKey) => akkaKey switch
    {
        "akka.loglevel" or "akka.stdout-loglevel" => "robotactors.log-level",
        "akka.remote.dot-netty.tcp.hostname" => "robotactors.node.hostname",
        "akka.remote.dot-netty.tcp.port" => "robotactors.node.port",
        "akka.cluster.roles" => "robotactors.node.roles",
        "akka.cluster.seed-nodes" => "robotactors.node.seed-nodes",
        "akka.coordinated-shutdown.phases.cluster-exiting.timeout" => "robotactors.node.shutdown-timeout",
        _ when !JournalConfig.GeneratedKeys.Contains(akkaKey) => null,
        _ when akkaKey.EndsWith(".connection-string", StringComparison.Ordinal) => "robotactors.journal.sqlite.journal-file / robotactors.journal.postgres.connection-string",
        _ when akkaKey.EndsWith(".parallelism", StringComparison.Ordinal) => "robotactors.journal.postgres.parallelism",
        _ when akkaKey.EndsWith(".schema-name", StringComparison.Ordinal) => "robotactors.journal.postgres.schema",
        _ => "robotactors.journal.backend",
    };

    public static Config Build(RobotActorsSettings settings, Config? userAkka = null)
    {
        var node = settings.Node;
        var seeds = string.Join(", ", node.SeedNodes.Select(s => JournalConfig.Quote($"akka.tcp://{settings.SystemName}@{s.Host}:{s.Port}")));
        var roles = string.Join(", ", node.Roles.Select(JournalConfig.Quote));
        var generated = ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = {{settings.LogLevel}}
              stdout-loglevel = {{settings.LogLevel}}
              remote.dot-netty.tcp {
                hostname = {{JournalConfig.Quote(node.Hostname)}}
                port = {{node.Port}}
              }
              cluster {
                roles = [{{roles}}]
                seed-nodes = [{{seeds}}]
              }
              coordinated-shutdown.phases.cluster-exiting.timeout = {{(int)node.ShutdownTimeout.TotalMilliseconds}}ms
            }
            """);
        // Ours, then the user's explicit Akka settings, then the journal plugin's and the node's defaults.
        var config = generated.WithFallback(JournalConfig.Own(settings.Journal, settings.DataPath));
        if (userAkka is not null) config = config.WithFallback(userAkka);
        return config.WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration).WithFallback(Shared.Value);
    }
}
