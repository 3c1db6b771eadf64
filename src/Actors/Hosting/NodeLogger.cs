using Akka.Event;

namespace RobotActors.Actors.Hosting;

/// <summary>
/// The node's logger: Akka's standard output logger, except that a console leaving is what it is, normal.
/// Each console call is a short-lived remote actor system, and Akka.Remote reports its departure as an INFO
/// ("Removing receive buffers"), a WARNING ("address is now gated") and, when it leaves abruptly, an ERROR with
/// an EndpointDisassociatedException and its stack. Those are logged at DEBUG, as one line without the stack.
/// </summary>
public sealed class NodeLogger : DefaultLogger
{
    /// <summary>The console's actor system is named "&lt;system&gt;-console" (see ConsoleConnection).</summary>
    private const string ConsoleSystemSuffix = "-console";

    private readonly bool _debug = string.Equals(Context.System.Settings.LogLevel, "DEBUG", StringComparison.OrdinalIgnoreCase);

    protected override void Print(LogEvent logEvent)
    {
        if (logEvent is Debug || !IsConsoleLeaving(logEvent))
        {
            base.Print(logEvent);
            return;
        }
        if (_debug)
            base.Print(new Debug(logEvent.LogSource, logEvent.LogClass, $"console left: {FirstLine(logEvent)}"));
    }

    /// <summary>Remoting noise about an association with a console system.</summary>
    public static bool IsConsoleLeaving(LogEvent e)
    {
        var source = Uri.UnescapeDataString(e.LogSource ?? "");
        if (!source.Contains("/system/endpointManager/", StringComparison.Ordinal)) return false;
        var text = source + " " + (e.Message?.ToString() ?? "");
        return text.Contains(ConsoleSystemSuffix + "@", StringComparison.Ordinal);
    }

    private static string FirstLine(LogEvent e)
    {
        var text = e.Message?.ToString() ?? e.Cause?.Message ?? "";
        var cut = text.IndexOfAny(['\r', '\n']);
        return cut < 0 ? text : text[..cut];
    }
}
