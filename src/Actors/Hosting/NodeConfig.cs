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
        var config = generated.WithFallback(JournalConfig.Build(settings.Journal, settings.DataPath));
        if (userAkka is not null) config = config.WithFallback(userAkka);
        return config.WithFallback(Shared.Value);
    }
}
