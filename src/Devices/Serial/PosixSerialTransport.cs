using System.Runtime.InteropServices;

namespace RobotActors.Devices.Serial;

/// <summary>
/// A serial port driven directly through termios and poll(2): raw 8N1, any baud rate (termios2
/// with BOTHER for rates such as 128000 and 250000), and read deadlines with no background
/// thread. On Linux this is several times faster per exchange than System.IO.Ports, whose
/// Unix implementation queues every read and write through an I/O loop thread.
/// </summary>
public sealed class PosixSerialTransport : ISerialTransport
{
    private int _fd;
    private int _baudRate;
    private readonly byte[] _rx = new byte[4096];
    private int _rxStart, _rxEnd;

    public PosixSerialTransport(string portName, int baudRate)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("The POSIX serial transport is implemented for Linux; use SerialPortTransport elsewhere.");
        PortName = portName;
        _fd = Libc.Open(portName, Libc.ORdWr | Libc.ONoCtty | Libc.ONonBlock);
        if (_fd < 0)
            throw new MotorBusConnectionException(
                $"Could not open serial port '{portName}': {Libc.LastError()}. " +
                "Check the cable and the port name (run `robotactors find-port`), and that your user may open it (group dialout).");
        try
        {
            var termios = new byte[Libc.TermiosSize];
            if (Libc.TcGetAttr(_fd, termios) != 0)
                throw new MotorBusConnectionException($"'{portName}' is not a serial port (tcgetattr: {Libc.LastError()}).");
            Libc.CfMakeRaw(termios);
            var cflag = BitConverter.ToUInt32(termios, Libc.CflagOffset) | Libc.Clocal | Libc.Cread;
            BitConverter.TryWriteBytes(termios.AsSpan(Libc.CflagOffset), cflag);
            if (Libc.TcSetAttr(_fd, Libc.TcsaNow, termios) != 0)
                throw new MotorBusConnectionException($"Could not configure '{portName}': {Libc.LastError()}.");
            BaudRate = baudRate;
        }
        catch
        {
            Libc.Close(_fd);
            throw;
        }
    }

    public string PortName { get; }
    public bool IsOpen => _fd >= 0;

    public int BaudRate
    {
        get => _baudRate;
        set
        {
            var termios2 = new byte[Libc.Termios2Size];
            if (Libc.Ioctl(_fd, Libc.TcGets2, termios2) != 0)
                throw new MotorBusConnectionException($"Could not read the settings of '{PortName}': {Libc.LastError()}.");
            var code = Libc.SpeedCode(value);
            var cflag = BitConverter.ToUInt32(termios2, Libc.CflagOffset) & ~Libc.Cbaud;
            cflag |= code != 0 ? code : Libc.Bother;
            BitConverter.TryWriteBytes(termios2.AsSpan(Libc.CflagOffset), cflag);
            BitConverter.TryWriteBytes(termios2.AsSpan(Libc.Termios2IspeedOffset), (uint)value);
            BitConverter.TryWriteBytes(termios2.AsSpan(Libc.Termios2OspeedOffset), (uint)value);
            if (Libc.Ioctl(_fd, Libc.TcSets2, termios2) != 0)
                throw new MotorBusConnectionException($"'{PortName}' does not accept {value} baud: {Libc.LastError()}.");
            _baudRate = value;
        }
    }

    public unsafe void Write(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var written = 0;
            while (written < data.Length)
            {
                var n = Libc.Write(_fd, p + written, (nuint)(data.Length - written));
                if (n >= 0) { written += (int)n; continue; }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.Eintr) continue;
                if (errno == Libc.Eagain) { WaitFor(Libc.PollOut, 100); continue; }
                throw Gone("Writing to", errno);
            }
        }
    }

    public unsafe void ReadExactly(Span<byte> buffer, DateTime deadlineUtc)
    {
        var got = 0;
        while (got < buffer.Length)
        {
            // Serve what an earlier read() brought in: one syscall usually carries several replies.
            if (_rxStart < _rxEnd)
            {
                var n = Math.Min(_rxEnd - _rxStart, buffer.Length - got);
                _rx.AsSpan(_rxStart, n).CopyTo(buffer[got..]);
                _rxStart += n;
                got += n;
                continue;
            }
            _rxStart = _rxEnd = 0;
            nint read;
            fixed (byte* p = _rx)
                read = Libc.Read(_fd, p, (nuint)_rx.Length);
            if (read > 0) { _rxEnd = (int)read; continue; }
            if (read == 0) throw Gone("Reading from", Libc.Eio);
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.Eintr) continue;
            if (errno != Libc.Eagain) throw Gone("Reading from", errno);
            var remainingMs = (int)Math.Ceiling((deadlineUtc - DateTime.UtcNow).TotalMilliseconds);
            if (remainingMs <= 0 || !WaitFor(Libc.PollIn, remainingMs))
                throw new TimeoutException($"Read timed out on '{PortName}' after {got} of {buffer.Length} bytes.");
        }
    }

    public void DiscardInput()
    {
        _rxStart = _rxEnd = 0;
        if (Libc.TcFlush(_fd, Libc.TcIFlush) != 0)
            throw Gone("Flushing", Marshal.GetLastPInvokeError());
    }

    private unsafe bool WaitFor(short events, int timeoutMs)
    {
        var pfd = new Libc.PollFd { Fd = _fd, Events = events };
        var ready = Libc.Poll(&pfd, 1, timeoutMs);
        if (ready < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == Libc.Eintr ? true : throw Gone("Waiting on", errno);
        }
        if (ready == 0) return false;
        if ((pfd.Revents & (Libc.PollErr | Libc.PollNval)) != 0 || ((pfd.Revents & Libc.PollHup) != 0 && (pfd.Revents & Libc.PollIn) == 0))
            throw Gone("Waiting on", Libc.Eio);
        return true;
    }

    private MotorBusConnectionException Gone(string action, int errno) =>
        new($"{action} '{PortName}' failed: {Marshal.GetPInvokeErrorMessage(errno)}. The port may have been unplugged.");

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) Libc.Close(fd);
    }
}
