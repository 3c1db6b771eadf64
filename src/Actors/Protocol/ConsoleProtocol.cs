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
/// Runs a command (manifest v1, from consoles before the gateway clock). SentAt is the console's wall clock, which
/// the gateway can only compare with its own wall clock; newer consoles send <see cref="RunStampedCommand"/>.
/// </summary>
public sealed record RunCommand(string Name, IReadOnlyList<string> Arguments, DateTimeOffset SentAt) : IProtocolMessage;

/// <summary>Asks a gateway for a reading of its monotonic clock (answered with <see cref="GatewayClock"/>).</summary>
public sealed class ReadGatewayClock : IProtocolMessage
{
    public static readonly ReadGatewayClock Instance = new();
    private ReadGatewayClock() { }
}

/// <summary>
/// A reading of a gateway's monotonic clock: the time since <paramref name="ClockId"/>'s clock started. The id changes
/// whenever a gateway starts, so a reading of one gateway's clock is never taken for another's.
/// </summary>
public sealed record GatewayClock(string ClockId, TimeSpan Elapsed) : IProtocolMessage;

/// <summary>The console's estimate of the gateway's clock when it sent a command.</summary>
public sealed record GatewayStamp(string ClockId, TimeSpan Elapsed);

/// <summary>
/// Runs a command (the run-command message's v2 layout: one type per manifest in the wire table). The gateway takes
/// the command's age from its own monotonic clock minus <paramref name="Stamp"/>, so neither machine's wall clock
/// matters; SentAt (the console's wall clock) is only for the log.
/// </summary>
public sealed record RunStampedCommand(string Name, IReadOnlyList<string> Arguments, GatewayStamp Stamp, DateTimeOffset SentAt) : IProtocolMessage;

/// <summary>
/// An actuating command's stamp is from another clock than this gateway's (the console reached another node, or the
/// gateway restarted): nothing was done. Carries this gateway's clock, so the console can stamp again and resend a
/// command that is still younger than <paramref name="MaxCommandAge"/> by the console's own clock.
/// </summary>
public sealed record UnknownGatewayClock(GatewayClock Clock, TimeSpan MaxCommandAge) : IProtocolMessage;

/// <summary>A command's answer: text for people, and JSON for scripts (--json) when the command has structured output.</summary>
public sealed record CommandReply(bool Ok, string Text, string? Json = null) : IProtocolMessage
{
    public static CommandReply Success(string text, string? json = null) => new(true, text, json);
    public static CommandReply Failure(string text) => new(false, text);
}
