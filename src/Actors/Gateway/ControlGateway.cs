using Akka.Actor;
using Akka.Event;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway;

/// <summary>
/// The console's way into a node: registered with the ClusterClientReceptionist, it describes the
/// commands it serves and runs them. Commands that arrive later than max-command-age after they were
/// sent are refused, so nothing typed during a partition is acted on seconds later.
/// </summary>
public sealed class ControlGateway : ReceiveActor
{
    public const string Name = "gateway";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly GatewayContext _context;
    private readonly string _node;
    private readonly IReadOnlyDictionary<string, IGatewayCommand> _commands;

    public static Props Props(GatewayContext context, IEnumerable<IGatewayCommand> commands) =>
        Akka.Actor.Props.Create(() => new ControlGateway(context, commands));

    public ControlGateway(GatewayContext context, IEnumerable<IGatewayCommand> commands)
    {
        _context = context;
        // The clock's name is the node's address and incarnation: a node restarted at the same address has a new
        // clock (it starts from zero), and a console's reading of the old one must not be taken for it.
        var self = Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress;
        _node = $"{self.Address}#{self.Uid}";
        _commands = commands.ToDictionary(c => c.Descriptor.Name, StringComparer.OrdinalIgnoreCase);

        Receive<DescribeCommands>(_ => Sender.Tell(new CommandCatalog(
            Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString(), context.Version,
            _commands.Values.Select(c => c.Descriptor).OrderBy(d => d.Name, StringComparer.Ordinal).ToList())));

        Receive<ReadGatewayClock>(_ => Sender.Tell(new GatewayClockReading(_node, Clock.ElapsedMilliseconds)));
        Receive<RunStampedCommand>(c =>
        {
            if (c.ClockNode != _node)
            {
                // The console read another gateway's clock (its contact changed nodes): its stamp says nothing here.
                Sender.Tell(CommandReply.Failure($"refused: '{c.Name}' is stamped with the clock of {c.ClockNode}, not of this node ({_node}); " +
                                                 "nothing was done. Reconnect the console (it reads this node's clock) and send it again."));
                return;
            }
            var age = TimeSpan.FromMilliseconds(Clock.ElapsedMilliseconds - c.ClockMilliseconds);
            if (age < -StampAheadTolerance)
            {
                // A console's estimate never runs ahead of this clock; a stamp that does is a broken estimate, and
                // taking it would let a command through however late it came.
                _log.Warning("Refused console command {0}: its stamp is {1:F1}s ahead of this gateway's clock", c.Name, -age.TotalSeconds);
                Sender.Tell(CommandReply.Failure(FormattableString.Invariant(
                    $"refused: '{c.Name}' carries a time {-age.TotalSeconds:F1}s ahead of this node's clock, so its age cannot be told; nothing was done. Reconnect the console and send it again.")));
                return;
            }
            Run(c.Name, c.Arguments, age, "");
        });
        Receive<RunCommand>(c =>
        {
            _log.Warning("Console command {0} came from an older console (ra.console.run-command.v1, wall-clock time only): its age is judged by " +
                         "this node's wall clock minus the console's, right only while both machines' clocks agree. Upgrade the console.", c.Name);
            Run(c.Name, c.Arguments, DateTimeOffset.UtcNow - c.SentAt,
                " (an older console: judged by the two machines' wall clocks, which may disagree)");
        });
    }

    /// <summary>How far ahead of this clock a stamp may be (it should never be: the console's estimate lags by up to a round trip).</summary>
    private static readonly TimeSpan StampAheadTolerance = TimeSpan.FromSeconds(1);

    /// <summary>The gateway's monotonic clock, which console stamps are read against; no wall clock is involved.</summary>
    private static readonly System.Diagnostics.Stopwatch Clock = System.Diagnostics.Stopwatch.StartNew();

    private void Run(string name, IReadOnlyList<string> rest, TimeSpan age, string how)
    {
        var sender = Sender;
        var maxAge = _context.Settings.Gateway.MaxCommandAge;
        if (age > maxAge)
        {
            _log.Warning("Refused stale console command {0}: sent {1:F1}s ago, limit {2:F1}s{3}", name, age.TotalSeconds, maxAge.TotalSeconds, how);
            sender.Tell(CommandReply.Failure(
                $"refused: '{name}' reached the node {age.TotalSeconds:F1}s after it was sent (limit {maxAge.TotalSeconds:F1}s, robotactors.gateway.max-command-age){how}. Nothing was done; send it again."));
            return;
        }

        if (!Resolve(name, rest, out var handler, out var arguments))
        {
            sender.Tell(CommandReply.Failure(
                $"unknown command '{string.Join(' ', new[] { name }.Concat(rest))}'. This node serves: {string.Join(", ", _commands.Keys.Order())}. Type 'help' for details."));
            return;
        }

        var required = handler.Descriptor.Arguments.Count(a => a.Required);
        if (arguments.Count < required || arguments.Count > handler.Descriptor.Arguments.Count)
        {
            sender.Tell(CommandReply.Failure($"usage: {handler.Descriptor.Usage}"));
            return;
        }

        Task<CommandReply> execution;
        try
        {
            execution = handler.ExecuteAsync(_context, arguments);
        }
        catch (Exception ex)
        {
            // A command that throws before returning its task must not restart the gateway.
            execution = Task.FromException<CommandReply>(ex);
        }

        execution.PipeTo(sender,
            failure: ex =>
            {
                _log.Error(ex, "Console command {0} failed", name);
                return CommandReply.Failure($"'{name}' failed on the node: {ex.GetBaseException().Message}");
            });
    }

    /// <summary>Multi-word commands ("robot status") match on the longest name made of the leading words.</summary>
    private bool Resolve(string name, IReadOnlyList<string> rest, out IGatewayCommand handler, out IReadOnlyList<string> arguments)
    {
        var words = new[] { name }.Concat(rest).ToList();
        for (var n = words.Count; n >= 1; n--)
        {
            if (_commands.TryGetValue(string.Join(' ', words.Take(n)), out handler!))
            {
                arguments = words.Skip(n).ToList();
                return true;
            }
        }
        handler = null!;
        arguments = [];
        return false;
    }
}
