using System.Buffers.Binary;

namespace RobotActors.Devices.Teleoperators;

/// <summary>One event of the Linux joystick API (struct js_event: u32 time_ms, s16 value, u8 type, u8 number).</summary>
public readonly record struct JoystickEvent(uint TimeMs, short Value, byte Type, byte Number)
{
    public const byte Button = 0x01;
    public const byte Axis = 0x02;
    /// <summary>OR-ed into the type of the synthetic events that report the initial state.</summary>
    public const byte Init = 0x80;
    public const int Size = 8;

    public static JoystickEvent Parse(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        BinaryPrimitives.ReadInt16LittleEndian(bytes[4..]),
        bytes[6],
        bytes[7]);

    public byte[] ToBytes()
    {
        var b = new byte[Size];
        BinaryPrimitives.WriteUInt32LittleEndian(b, TimeMs);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(4), Value);
        b[6] = Type;
        b[7] = Number;
        return b;
    }
}

/// <summary>
/// A joystick read through /dev/input/jsN on a background thread: the latest value of every axis
/// (-1..1) and button, plus a count of presses per button so a short press is never missed.
/// </summary>
public sealed class JoystickDevice : IDisposable
{
    private readonly object _gate = new();
    private readonly double[] _axes = new double[64];
    private readonly bool[] _buttons = new bool[128];
    private readonly int[] _presses = new int[128];
    private readonly Thread _reader;
    private readonly string _path;
    private Stream? _stream;
    private volatile bool _running = true;

    public JoystickDevice(string path)
    {
        _path = path;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"joystick {path}" };
        _reader.Start();
    }

    /// <summary>The first /dev/input/js* device, or null.</summary>
    public static string? FindFirst() =>
        Directory.Exists("/dev/input") ? Directory.GetFiles("/dev/input", "js*").OrderBy(p => p, StringComparer.Ordinal).FirstOrDefault() : null;

    public bool Connected { get; private set; }
    public string? Error { get; private set; }
    public long EventsRead { get; private set; }

    public double Axis(int number) { lock (_gate) return number < _axes.Length ? _axes[number] : 0; }
    public bool ButtonHeld(int number) { lock (_gate) return number < _buttons.Length && _buttons[number]; }

    /// <summary>Presses of a button since the last call (press = released→pressed transition).</summary>
    public int TakePresses(int number)
    {
        lock (_gate)
        {
            if (number >= _presses.Length) return 0;
            var n = _presses[number];
            _presses[number] = 0;
            return n;
        }
    }

    private void ReadLoop()
    {
        try
        {
            // Opening a FIFO blocks until a writer appears, so the open happens here, not in the constructor.
            _stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            Connected = true;
            var buffer = new byte[JoystickEvent.Size];
            while (_running)
            {
                var got = 0;
                while (got < buffer.Length)
                {
                    var n = _stream.Read(buffer, got, buffer.Length - got);
                    if (n == 0) { Connected = false; return; }
                    got += n;
                }
                Apply(JoystickEvent.Parse(buffer));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Error = $"{_path}: {e.Message}";
            Connected = false;
        }
    }

    internal void Apply(JoystickEvent e)
    {
        lock (_gate)
        {
            EventsRead++;
            var type = e.Type & ~JoystickEvent.Init;
            if (type == JoystickEvent.Axis && e.Number < _axes.Length)
                _axes[e.Number] = Math.Clamp(e.Value / 32767.0, -1, 1);
            else if (type == JoystickEvent.Button && e.Number < _buttons.Length)
            {
                var pressed = e.Value != 0;
                // Initial-state events report what is held, not a press.
                if (pressed && !_buttons[e.Number] && (e.Type & JoystickEvent.Init) == 0) _presses[e.Number]++;
                _buttons[e.Number] = pressed;
            }
        }
    }

    public void Dispose()
    {
        _running = false;
        _stream?.Dispose();
    }
}
