namespace RobotActors.Devices.Teleoperators;

/// <summary>
/// Reads key presses from a terminal (or any byte stream) on a background thread and hands each one to a callback.
/// A read that returns a lone ESC byte is the Esc key itself (arrows arrive as ESC [ A ... in one read); it is
/// reported as the character '\u001b'. The stream stays the caller's; the thread ends with the stream.
/// </summary>
public sealed class TerminalKeyReader
{
    public const char Escape = '\u001b';
    private readonly Stream _input;
    private readonly Action<TerminalKey, char> _onKey;
    private readonly TerminalKeyParser _parser = new();

    public TerminalKeyReader(Stream input, Action<TerminalKey, char> onKey, string name)
    {
        _input = input;
        _onKey = onKey;
        new Thread(ReadLoop) { IsBackground = true, Name = name }.Start();
    }

    private void ReadLoop()
    {
        var buffer = new byte[64];
        try
        {
            while (true)
            {
                var n = _input.Read(buffer, 0, buffer.Length);
                if (n == 0) return;
                if (n == 1 && buffer[0] == (byte)Escape)
                {
                    _onKey(TerminalKey.Char, Escape);
                    continue;
                }
                for (var i = 0; i < n; i++)
                    if (_parser.Feed(buffer[i]) is { } key) _onKey(key.Key, key.Char);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
    }
}
