using System.Text;

namespace RobotActors.Devices.Serial;

/// <summary>
/// A pseudo-terminal pair in raw mode: the slave end is a real serial character device
/// (/dev/pts/N) that System.IO.Ports opens like a USB adapter; the master end is where the
/// emulator (or a test) plays the servos. The slave stays open here too, so the master
/// does not see EIO while a client reopens the port between runs.
/// </summary>
public sealed class PseudoTerminal : IDisposable
{
    private int _master;
    private int _slave;

    public string SlavePath { get; }
    public int MasterFd => _master;

    private PseudoTerminal(int master, int slave, string slavePath)
    {
        _master = master;
        _slave = slave;
        SlavePath = slavePath;
    }

    public static PseudoTerminal Open()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("Pseudo-terminals are implemented for Linux only.");
        if (Libc.OpenPty(out var master, out var slave, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero) != 0)
            throw new IOException($"openpty failed: {Libc.LastError()}");
        try
        {
            MakeRaw(slave);
            MakeRaw(master);
            var name = new byte[128];
            if (Libc.PtsNameR(master, name, (nuint)name.Length) != 0)
                throw new IOException($"ptsname_r failed: {Libc.LastError()}");
            var path = Encoding.UTF8.GetString(name, 0, Array.IndexOf(name, (byte)0));
            return new PseudoTerminal(master, slave, path);
        }
        catch
        {
            Libc.Close(master);
            Libc.Close(slave);
            throw;
        }
    }

    private static void MakeRaw(int fd)
    {
        var termios = new byte[Libc.TermiosSize];
        if (Libc.TcGetAttr(fd, termios) != 0)
            throw new IOException($"tcgetattr failed: {Libc.LastError()}");
        Libc.CfMakeRaw(termios);
        if (Libc.TcSetAttr(fd, Libc.TcsaNow, termios) != 0)
            throw new IOException($"tcsetattr failed: {Libc.LastError()}");
    }

    /// <summary>
    /// The baud rate the client last configured on the slave end, or null when it cannot be read. Lets the emulator ignore traffic at the wrong rate.
    /// </summary>
    public int? ClientBaudRate()
    {
        var termios2 = new byte[Libc.Termios2Size];
        if (_slave < 0 || Libc.Ioctl(_slave, Libc.TcGets2, termios2) != 0)
            return null;
        return (int)BitConverter.ToUInt32(termios2, Libc.Termios2OspeedOffset);
    }

    /// <summary>Waits up to timeoutMs for bytes on the master end; returns the count read (0 on timeout).</summary>
    public unsafe int ReadMaster(Span<byte> buffer, int timeoutMs)
    {
        var pfd = new Libc.PollFd { Fd = _master, Events = Libc.PollIn };
        var ready = Libc.Poll(&pfd, 1, timeoutMs);
        if (ready <= 0)
            return 0;
        fixed (byte* p = buffer)
        {
            var n = Libc.Read(_master, p, (nuint)buffer.Length);
            if (n < 0)
            {
                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (errno is Libc.Eintr or Libc.Eagain or Libc.Eio)
                    return 0;
                throw new IOException($"read from pseudo-terminal master failed: {Libc.LastError()}");
            }
            return (int)n;
        }
    }

    public unsafe void WriteMaster(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var written = 0;
            while (written < data.Length)
            {
                var n = Libc.Write(_master, p + written, (nuint)(data.Length - written));
                if (n < 0)
                {
                    if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Libc.Eintr)
                        continue;
                    throw new IOException($"write to pseudo-terminal master failed: {Libc.LastError()}");
                }
                written += (int)n;
            }
        }
    }

    public void Dispose()
    {
        var master = Interlocked.Exchange(ref _master, -1);
        var slave = Interlocked.Exchange(ref _slave, -1);
        if (master >= 0) Libc.Close(master);
        if (slave >= 0) Libc.Close(slave);
    }
}
