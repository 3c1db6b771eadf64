using RobotActors.Devices.Serial;

namespace RobotActors.Devices.Teleoperators;

/// <summary>
/// The terminal in raw mode (no echo, no line buffering) while this lives, so single key presses arrive at once;
/// disposing restores it. Nothing happens when stdin is not a terminal.
/// </summary>
public sealed class RawTerminal : IDisposable
{
    private readonly byte[]? _saved;

    private RawTerminal(byte[]? saved) => _saved = saved;

    public static RawTerminal Enter()
    {
        if (!OperatingSystem.IsLinux() || Console.IsInputRedirected) return new RawTerminal(null);
        var saved = new byte[Libc.TermiosSize];
        if (Libc.TcGetAttr(0, saved) != 0) return new RawTerminal(null);
        var raw = (byte[])saved.Clone();
        Libc.CfMakeRaw(raw);
        Libc.TcSetAttr(0, Libc.TcsaNow, raw);
        return new RawTerminal(saved);
    }

    public void Dispose()
    {
        if (_saved is not null) Libc.TcSetAttr(0, Libc.TcsaNow, _saved);
    }
}
