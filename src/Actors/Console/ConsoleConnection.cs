using System.Diagnostics;
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
/// is acted on seconds later. For that check the console learns the gateway's monotonic clock and
/// stamps each command with its estimate of it (<see cref="GatewayClockEstimate"/>), so a wrong wall
/// clock on either machine neither lets late commands through nor refuses fresh ones.
/// </summary>
public sealed class ConsoleConnection : IAsyncDisposable
{
    /// <summary>
    /// A new reading of the gateway's clock after this long. Two quartz clocks drift apart by well under 0.1 ms a
    /// minute, so this keeps the estimate's drift far below its round-trip error.
    /// </summary>
    private static readonly TimeSpan ResyncAfter = TimeSpan.FromMinutes(5);

    private readonly ActorSystem _system;
    private readonly IActorRef _client;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _wallClock;
    private readonly Stopwatch _monotonic = Stopwatch.StartNew();
    private GatewayClockEstimate? _clock;

    public string Contact { get; }

    /// <summary>The console's estimate of the gateway's clock; null until the first command, and with a node of an older release.</summary>
    public GatewayClockEstimate? GatewayClock => _clock;

    /// <summary>True once the node turned out to be of a release without the gateway clock: commands then carry the wall-clock time.</summary>
    public bool NodeLacksGatewayClock { get; private set; }

    private ConsoleConnection(ActorSystem system, IActorRef client, string contact, TimeSpan timeout, TimeProvider wallClock)
    {
        _system = system;
        _client = client;
        Contact = contact;
        _timeout = timeout;
        _wallClock = wallClock;
    }

    /// <param name="wallClock">The console machine's wall clock (the system's by default); only a node of an older release uses it.</param>
    public static ConsoleConnection Open(string contactHost, int contactPort, string systemName, TimeSpan timeout, TimeProvider? wallClock = null)
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
        return new ConsoleConnection(system, client, $"{contactHost}:{contactPort}", timeout, wallClock ?? TimeProvider.System);
    }

    /// <summary>Asks the node for the commands it serves. Throws <see cref="NoNodeAnsweredException"/> when none answers in time.</summary>
    public Task<CommandCatalog> DescribeAsync() => AskAsync<CommandCatalog>(DescribeCommands.Instance);

    /// <summary>Runs a command on the node, stamped with the console's estimate of the gateway's clock.</summary>
    public async Task<CommandReply> RunAsync(IReadOnlyList<string> words)
    {
        var name = words[0];
        var arguments = words.Skip(1).ToList();
        var clock = await LearnGatewayClockAsync();
        if (clock is null)
            return await AskAsync<CommandReply>(new RunCommand(name, arguments, _wallClock.GetUtcNow()));

        var sentAt = _monotonic.Elapsed;
        var answer = await AskAsync<object>(new RunStampedCommand(name, arguments, clock.Stamp(sentAt), _wallClock.GetUtcNow()));
        if (answer is not UnknownGatewayClock unknown) return Reply(answer);

        // The command reached a gateway whose clock this console had not learned (another node, or a restarted
        // gateway); nothing was done. Its answer carries its clock: stamp again, and resend only while the command
        // is still young enough by the console's own clock, counted from the first send.
        var receivedAt = _monotonic.Elapsed;
        _clock = GatewayClockEstimate.From(unknown.Clock, sentAt, receivedAt);
        if (receivedAt - sentAt > unknown.MaxCommandAge)
            return CommandReply.Failure(FormattableString.Invariant(
                $"refused: '{string.Join(' ', words)}' reached a node whose clock the console had not learned, {(receivedAt - sentAt).TotalSeconds:F1} s after it was sent (limit {unknown.MaxCommandAge.TotalSeconds:F1} s). Nothing was sent to the robot; send it again."));
        return Reply(await AskAsync<object>(new RunStampedCommand(name, arguments, _clock.Stamp(sentAt), _wallClock.GetUtcNow())));
    }

    private static CommandReply Reply(object answer) => answer switch
    {
        CommandReply reply => reply,
        UnknownGatewayClock => CommandReply.Failure("refused: the node's gateway clock changed again while the command was resent (is the gateway restarting?). Nothing was sent to the robot; send it again."),
        _ => CommandReply.Failure($"the node answered {answer.GetType().Name}; the console and the node may be of different releases"),
    };

    /// <summary>
    /// The estimate of the gateway's clock, reading it when there is none or it is old. The node is asked for its
    /// catalog at the same time: when only the catalog comes back, the node is of a release without the gateway
    /// clock (it drops the unknown request), and null is returned so commands carry the wall-clock time.
    /// </summary>
    private async Task<GatewayClockEstimate?> LearnGatewayClockAsync()
    {
        if (NodeLacksGatewayClock) return null;
        if (_clock is { } known && _monotonic.Elapsed - known.ReceivedAt < ResyncAfter) return known;

        var sentAt = _monotonic.Elapsed;
        var reading = SendAsync<GatewayClock>(ReadGatewayClock.Instance);
        var catalog = SendAsync<CommandCatalog>(DescribeCommands.Instance);
        _ = catalog.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted); // its timeout is only a hint
        try
        {
            var clock = await reading;
            var receivedAt = _monotonic.Elapsed;
            _clock = _clock is null ? GatewayClockEstimate.From(clock, sentAt, receivedAt) : _clock.With(clock, sentAt, receivedAt);
            return _clock;
        }
        catch (AskTimeoutException)
        {
            try
            {
                await catalog;
            }
            catch (AskTimeoutException)
            {
                throw new NoNodeAnsweredException(Contact, _timeout);
            }
            NodeLacksGatewayClock = true;
            return null;
        }
    }

    private async Task<T> AskAsync<T>(object message)
    {
        try
        {
            return await SendAsync<T>(message);
        }
        catch (AskTimeoutException)
        {
            throw new NoNodeAnsweredException(Contact, _timeout);
        }
    }

    private Task<T> SendAsync<T>(object message) =>
        _client.Ask<T>(new ClusterClient.Send("/user/" + ControlGateway.Name, message, localAffinity: true), _timeout);

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
