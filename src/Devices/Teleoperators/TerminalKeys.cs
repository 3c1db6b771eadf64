namespace RobotActors.Devices.Teleoperators;

/// <summary>Keys a terminal reports as bytes (arrows and page keys arrive as ESC [ sequences).</summary>
public enum TerminalKey { Up, Down, Left, Right, PageUp, PageDown, Char }

/// <summary>Turns a terminal's byte stream into key presses, one byte at a time.</summary>
public sealed class TerminalKeyParser
{
    private readonly List<byte> _pending = [];

    /// <summary>Feeds one byte; returns a key when one is complete.</summary>
    public (TerminalKey Key, char Char)? Feed(byte b)
    {
        if (_pending.Count == 0 && b != 0x1B)
            return (TerminalKey.Char, (char)b);
        _pending.Add(b);
        if (_pending.Count == 2 && b != (byte)'[')
        {
            _pending.Clear();
            return (TerminalKey.Char, (char)b); // ESC then a plain key (alt+key): take the key
        }
        if (_pending.Count < 3) return null;
        var final = _pending[^1];
        (TerminalKey, char)? key = (_pending.Count, final) switch
        {
            (3, (byte)'A') => (TerminalKey.Up, '\0'),
            (3, (byte)'B') => (TerminalKey.Down, '\0'),
            (3, (byte)'C') => (TerminalKey.Right, '\0'),
            (3, (byte)'D') => (TerminalKey.Left, '\0'),
            (4, (byte)'~') when _pending[2] == (byte)'5' => (TerminalKey.PageUp, '\0'),
            (4, (byte)'~') when _pending[2] == (byte)'6' => (TerminalKey.PageDown, '\0'),
            _ => null,
        };
        // A sequence ends at a letter or '~'; anything else keeps collecting (bounded).
        if (key is not null || final is >= 0x40 and <= 0x7E || _pending.Count > 8)
            _pending.Clear();
        return key;
    }
}
