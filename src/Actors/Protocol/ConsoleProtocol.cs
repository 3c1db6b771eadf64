namespace RobotActors.Actors.Protocol;

// The console's protocol with a node's ControlGateway. The console learns the commands a node
// serves from the node itself (DescribeCommands), so a newer node's commands work from an older console.

/// <summary>Asks a gateway which commands it serves.</summary>
public sealed class DescribeCommands : IProtocolMessage
{
    public static readonly DescribeCommands Instance = new();
    private DescribeCommands() { }
}

/// <summary>The commands a node serves, with the node's address and version.</summary>
public sealed record CommandCatalog(string Node, string Version, IReadOnlyList<CommandDescriptor> Commands) : IProtocolMessage;

/// <summary>One command: its name (may be several words, e.g. "robot status"), a summary and its arguments.</summary>
/// <param name="Actuates">True when the command moves hardware; such commands are refused when stale.</param>
public sealed record CommandDescriptor(string Name, string Summary, IReadOnlyList<CommandArgument> Arguments, bool Actuates = false)
{
    public string Usage => Arguments.Count == 0 ? Name
        : $"{Name} {string.Join(' ', Arguments.Select(a => a.Required ? $"<{a.Name}>" : $"[{a.Name}]"))}";
}

public sealed record CommandArgument(string Name, string Help, bool Required = true);

/// <summary>
/// Runs a command, as consoles before release 0.15 send it: SentAt is the console machine's wall clock, so the gateway's
/// staleness check is only as good as the two machines' clocks agree. Current consoles send <see cref="RunStampedCommand"/>.
/// </summary>
public sealed record RunCommand(string Name, IReadOnlyList<string> Arguments, DateTimeOffset SentAt) : IProtocolMessage;

/// <summary>Asks the gateway for its monotonic clock; answered with <see cref="GatewayClockReading"/>.</summary>
public sealed class ReadGatewayClock : IProtocolMessage
{
    public static readonly ReadGatewayClock Instance = new();
    private ReadGatewayClock() { }
}

/// <summary>A gateway's monotonic clock (milliseconds since it started; no wall clock in it) and the node it runs on.</summary>
public sealed record GatewayClockReading(string Node, long Milliseconds) : IProtocolMessage;

/// <summary>
/// Runs a command stamped with the console's estimate of the gateway's monotonic clock at sending (its reading plus the
/// console's own monotonic time since; never ahead of the gateway, so the age it implies errs on the stale side by at
/// most a round trip). The gateway refuses it when older than robotactors.gateway.max-command-age, whatever either
/// machine's wall clock says.
/// </summary>
public sealed record RunStampedCommand(string Name, IReadOnlyList<string> Arguments, string ClockNode, long ClockMilliseconds) : IProtocolMessage;

/// <summary>A command's answer: text for people, and JSON for scripts (--json) when the command has structured output.</summary>
public sealed record CommandReply(bool Ok, string Text, string? Json = null) : IProtocolMessage
{
    public static CommandReply Success(string text, string? json = null) => new(true, text, json);
    public static CommandReply Failure(string text) => new(false, text);
}
