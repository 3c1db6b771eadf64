using System.IO.Ports;

namespace RobotActors.Devices.Serial;

/// <summary>A serial port (USB adapter or pseudo-terminal slave) through System.IO.Ports, 8N1, no flow control.</summary>
public sealed class SerialPortTransport : ISerialTransport
{
    private readonly SerialPort _port;
    private readonly byte[] _scratch = new byte[1024];

    public SerialPortTransport(string portName, int baudRate)
    {
        _port = new SerialPort(portName, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = 1000,
            WriteTimeout = 1000,
            ReadBufferSize = 4096,
        };
        try
        {
            _port.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new MotorBusConnectionException(
                $"Could not open serial port '{portName}' at {baudRate} baud: {e.Message}. " +
                "Check the cable and the port name (run `robotactors find-port`), and that your user may open it (group dialout).", e);
        }
    }

    public string PortName => _port.PortName;
    public bool IsOpen => _port.IsOpen;

    public int BaudRate
    {
        get => _port.BaudRate;
        set => _port.BaudRate = value;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        var buffer = data.Length <= _scratch.Length ? _scratch : new byte[data.Length];
        data.CopyTo(buffer);
        try
        {
            _port.Write(buffer, 0, data.Length);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            throw new MotorBusConnectionException($"Writing to '{PortName}' failed: {e.Message}. The port may have been unplugged.", e);
        }
    }

    public void ReadExactly(Span<byte> buffer, DateTime deadlineUtc)
    {
        var got = 0;
        while (got < buffer.Length)
        {
            var remainingMs = (int)Math.Ceiling((deadlineUtc - DateTime.UtcNow).TotalMilliseconds);
            if (remainingMs <= 0)
                throw new TimeoutException($"Read timed out on '{PortName}' after {got} of {buffer.Length} bytes.");
            _port.ReadTimeout = remainingMs;
            int n;
            try
            {
                n = _port.Read(_scratch, 0, Math.Min(buffer.Length - got, _scratch.Length));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"Read timed out on '{PortName}' after {got} of {buffer.Length} bytes.");
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                throw new MotorBusConnectionException($"Reading from '{PortName}' failed: {e.Message}. The port may have been unplugged.", e);
            }
            _scratch.AsSpan(0, n).CopyTo(buffer[got..]);
            got += n;
        }
    }

    public void DiscardInput()
    {
        try
        {
            if (_port.BytesToRead > 0)
                _port.DiscardInBuffer();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            throw new MotorBusConnectionException($"Port '{PortName}' is gone: {e.Message}.", e);
        }
    }

    public void Dispose()
    {
        try { _port.Dispose(); } catch (IOException) { /* an unplugged port may fail to close; nothing left to release */ }
    }
}
