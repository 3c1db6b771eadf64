using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Configuration;
using RobotActors.Actors.Gateway;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Console;

/// <summary>
/// The operator console's link to a cluster: a small actor system outside the cluster that reaches a
/// node's ControlGateway through ClusterClient. The client buffers a few messages until it has reached
/// a receptionist (with no buffer the first command would always be dropped); anything delivered late
/// from that buffer is refused by the gateway's staleness check, so nothing typed during a partition
/// is acted on seconds later.
/// </summary>
public sealed class ConsoleConnection : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly IActorRef _client;
    private readonly TimeSpan _timeout;

    public string Contact { get; }

    private ConsoleConnection(ActorSystem system, IActorRef client, string contact, TimeSpan timeout)
    {
        _system = system;
        _client = client;
        Contact = contact;
        _timeout = timeout;
    }

    public static ConsoleConnection Open(string contactHost, int contactPort, string systemName, TimeSpan timeout)
    {
        var localHost = LocalAddressFor(contactHost);
        var config = ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = ERROR
              stdout-loglevel = OFF
              loggers = []
              actor {
                provider = remote
              }
              remote.dot-netty.tcp { hostname = "{{localHost}}", port = 0, maximum-frame-size = 4MiB }
              remote.log-remote-lifecycle-events = off
              cluster.client {
                buffer-size = 16
                establishing-get-contacts-interval = 500ms
              }
              coordinated-shutdown.run-by-clr-shutdown-hook = off
            }
            """).WithFallback(ConfigurationFactory.ParseString(ProtocolSerializer.Hocon));
        var system = ActorSystem.Create("robotactors-console", config);
        var contact = ActorPath.Parse($"akka.tcp://{systemName}@{contactHost}:{contactPort}/system/receptionist");
        var settings = ClusterClientSettings.Create(system).WithInitialContacts([contact]);
        var client = system.ActorOf(ClusterClient.Props(settings), "client");
        return new ConsoleConnection(system, client, $"{contactHost}:{contactPort}", timeout);
    }

    /// <summary>Asks the node for the commands it serves. Throws <see cref="NoNodeAnsweredException"/> when none answers in time.</summary>
    public Task<CommandCatalog> DescribeAsync() => AskAsync<CommandCatalog>(DescribeCommands.Instance);

    /// <summary>
    /// Runs a command stamped with the gateway's own monotonic clock: read once per connection (the reading plus this
    /// process's monotonic time since it arrived), so the node's staleness check never compares two machines' wall clocks.
    /// </summary>
    public async Task<CommandReply> RunAsync(IReadOnlyList<string> words)
    {
        var (node, reading, at) = _gatewayClock ??= await ReadGatewayClockAsync();
        var stamp = reading + (long)(System.Diagnostics.Stopwatch.GetElapsedTime(at).TotalMilliseconds);
        return await AskAsync<CommandReply>(new RunStampedCommand(words[0], words.Skip(1).ToList(), node, stamp));
    }

    private (string Node, long Milliseconds, long ReadAt)? _gatewayClock;

    private async Task<(string, long, long)> ReadGatewayClockAsync()
    {
        var reading = await AskAsync<GatewayClockReading>(ReadGatewayClock.Instance);
        return (reading.Node, reading.Milliseconds, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    private async Task<T> AskAsync<T>(object message)
    {
        try
        {
            return await _client.Ask<T>(new ClusterClient.Send("/user/" + ControlGateway.Name, message, localAffinity: true), _timeout);
        }
        catch (AskTimeoutException)
        {
            throw new NoNodeAnsweredException(Contact, _timeout);
        }
    }

    /// <summary>The local address from which the contact is reached, so the node can answer on it.</summary>
    private static string LocalAddressFor(string host)
    {
        try
        {
            var target = Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
            if (target is null || IPAddress.IsLoopback(target)) return "127.0.0.1";
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(target, 9); // no packet is sent: connecting a UDP socket only picks the route
            return ((IPEndPoint)probe.LocalEndPoint!).Address.ToString();
        }
        catch (SocketException)
        {
            return "127.0.0.1";
        }
    }

    public async ValueTask DisposeAsync()
    {
        _system.Stop(_client);
        try
        {
            await _system.Terminate().WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (TimeoutException)
        {
            // The console is leaving anyway; a remoting shutdown that lingers must not hold up the prompt.
        }
    }
}

public sealed class NoNodeAnsweredException(string contact, TimeSpan timeout)
    : Exception($"no RobotActors node answered at {contact} within {timeout.TotalSeconds:0.#} s. " +
                $"Is `robotactors node` running there, listening on that port with the same system name? " +
                $"Start one with `robotactors node --config hocon/single-node.conf`, or check --contact.");
