using Akka.Actor;
using Akka.Event;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Gateway;

/// <summary>
/// The console's way into a node: registered with the ClusterClientReceptionist, it describes the
/// commands it serves and runs them. A command that moves hardware and reaches the node later than
/// max-command-age after it was sent is refused before anything is sent to a robot, so nothing typed
/// during a partition is acted on seconds later. The age comes from this gateway's monotonic clock:
/// the console learns it (<see cref="ReadGatewayClock"/>) and stamps each command with its estimate of
/// it, so neither machine's wall clock matters.
/// </summary>
public sealed class ControlGateway : ReceiveActor
{
    public const string Name = "gateway";

    /// <summary>
    /// A console's estimate never runs ahead of this clock (it lags by up to the round trip it was learned over); a
    /// stamp further ahead than this is a broken estimate, and trusting it would let a late command through.
    /// </summary>
    private static readonly TimeSpan StampAheadTolerance = TimeSpan.FromSeconds(1);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly GatewayContext _context;
    private readonly IReadOnlyDictionary<string, IGatewayCommand> _commands;
    private readonly MonotonicClock _clock = new();

    public static Props Props(GatewayContext context, IEnumerable<IGatewayCommand> commands) =>
        Akka.Actor.Props.Create(() => new ControlGateway(context, commands));

    public ControlGateway(GatewayContext context, IEnumerable<IGatewayCommand> commands)
    {
        _context = context;
        _commands = commands.ToDictionary(c => c.Descriptor.Name, StringComparer.OrdinalIgnoreCase);

        Receive<DescribeCommands>(_ => Sender.Tell(new CommandCatalog(
            Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString(), context.Version,
            _commands.Values.Select(c => c.Descriptor).OrderBy(d => d.Name, StringComparer.Ordinal).ToList())));

        Receive<ReadGatewayClock>(_ => Sender.Tell(_clock.Read()));
        Receive<RunStampedCommand>(c => Run(c.Name, c.Arguments, handler => CheckStamp(c, handler)));
        Receive<RunCommand>(c => Run(c.Name, c.Arguments, handler => CheckWallClock(c, handler)));
    }

    private TimeSpan MaxAge => _context.Settings.Gateway.MaxCommandAge;

    /// <summary>Null when the command may run; otherwise the reply that refuses it.</summary>
    private object? CheckStamp(RunStampedCommand command, IGatewayCommand handler)
    {
        if (!handler.Descriptor.Actuates) return null;
        if (command.Stamp.ClockId != _clock.Id)
        {
            _log.Info("Console command {0} was stamped with clock {1}, not this gateway's {2}; sent this clock back, nothing was done",
                command.Name, command.Stamp.ClockId, _clock.Id);
            return new UnknownGatewayClock(_clock.Read(), MaxAge);
        }
        var age = _clock.Now - command.Stamp.Elapsed;
        if (age < -StampAheadTolerance)
        {
            _log.Warning("Refused console command {0}: its stamp is {1:F1}s ahead of this gateway's clock", command.Name, -age.TotalSeconds);
            return CommandReply.Failure(Inv(
                $"refused: '{Words(command.Name, command.Arguments)}' carries a time {-age.TotalSeconds:F1} s ahead of this node's clock, so its age cannot be told. Nothing was sent to the robot; reconnect the console and send it again."));
        }
        return age > MaxAge ? Stale(command.Name, command.Arguments, age, "") : null;
    }

    /// <summary>An older console's command carries only its wall-clock time: compared with this node's, as before the gateway clock.</summary>
    private object? CheckWallClock(RunCommand command, IGatewayCommand handler)
    {
        if (!handler.Descriptor.Actuates) return null;
        var age = DateTimeOffset.UtcNow - command.SentAt;
        _log.Warning("Console command {0} came from an older console (ra.console.run-command.v1): its age {1:F1}s is this node's wall clock " +
                     "minus the console's, which is right only while both machines' wall clocks agree. Upgrade the console.",
            command.Name, age.TotalSeconds);
        return age > MaxAge ? Stale(command.Name, command.Arguments, age, " by the wall clocks of the console and this node (an older console)") : null;
    }

    private CommandReply Stale(string name, IReadOnlyList<string> arguments, TimeSpan age, string how)
    {
        _log.Warning("Refused stale console command {0}: sent {1:F1}s ago{2}, limit {3:F1}s", name, age.TotalSeconds, how, MaxAge.TotalSeconds);
        return CommandReply.Failure(Inv(
            $"refused: '{Words(name, arguments)}' reached the node {age.TotalSeconds:F1} s after it was sent{how} (limit {MaxAge.TotalSeconds:F1} s, robotactors.gateway.max-command-age). Nothing was sent to the robot; send it again."));
    }

    private void Run(string name, IReadOnlyList<string> words, Func<IGatewayCommand, object?> admit)
    {
        var sender = Sender;
        if (!Resolve(name, words, out var handler, out var arguments))
        {
            sender.Tell(CommandReply.Failure(
                $"unknown command '{Words(name, words)}'. This node serves: {string.Join(", ", _commands.Keys.Order())}. Type 'help' for details."));
            return;
        }

        if (admit(handler) is { } refusal)
        {
            sender.Tell(refusal);
            return;
        }

        arguments = CommandOptions.Join(arguments, handler.Descriptor);
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

    private static string Words(string name, IReadOnlyList<string> arguments) => string.Join(' ', new[] { name }.Concat(arguments));

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);

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
