using System.Runtime.InteropServices;

namespace RobotActors.Devices.Serial;

/// <summary>
/// The few libc calls the pseudo-terminal and the raw file-descriptor transport need.
/// glibc 2.34+ carries openpty in libc itself, so no libutil is required.
/// </summary>
internal static partial class Libc
{
    private const string Lib = "libc";

    public const short PollIn = 0x001;
    public const short PollErr = 0x008;
    public const short PollHup = 0x010;
    public const short PollNval = 0x020;
    public const int Eintr = 4;
    public const int Eagain = 11;
    public const int Eio = 5;
    public const int TcsaNow = 0;
    public const int TcFlushIo = 2;

    /// <summary>glibc's struct termios is 60 bytes on x86-64 and aarch64; a larger buffer is harmless.</summary>
    public const int TermiosSize = 64;
    /// <summary>Offset of c_cflag inside struct termios (after c_iflag and c_oflag).</summary>
    public const int CflagOffset = 8;
    public const uint Cbaud = 0x100F; // CBAUD | CBAUDEX

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Lib, EntryPoint = "openpty", SetLastError = true)]
    public static partial int OpenPty(out int master, out int slave, IntPtr name, IntPtr termp, IntPtr winp);

    [LibraryImport(Lib, EntryPoint = "ptsname_r", SetLastError = true)]
    public static partial int PtsNameR(int fd, [Out] byte[] buffer, nuint length);

    [LibraryImport(Lib, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, [Out] byte[] termios);

    [LibraryImport(Lib, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int optionalActions, [In] byte[] termios);

    [LibraryImport(Lib, EntryPoint = "cfmakeraw")]
    public static partial void CfMakeRaw([In, Out] byte[] termios);

    [LibraryImport(Lib, EntryPoint = "tcflush", SetLastError = true)]
    public static partial int TcFlush(int fd, int queueSelector);

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static unsafe partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, [In, Out] byte[] argument);

    /// <summary>struct termios2 (asm-generic): flags, c_line, c_cc[19], c_ispeed at 36, c_ospeed at 40.</summary>
    public const int Termios2Size = 44;
    public const int Termios2IspeedOffset = 36;
    public const int Termios2OspeedOffset = 40;
    public const nuint TcGets2 = 0x802C542A;
    public const nuint TcSets2 = 0x402C542B;
    public const uint Bother = 0x1000;
    public const uint Clocal = 0x800;
    public const uint Cread = 0x80;
    public const int TcIFlush = 0;
    public const short PollOut = 0x004;
    public const int ONonBlock = 0x800;

    [LibraryImport(Lib, EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MkFifo(string path, uint mode);

    public const int ORdWr = 0x2;
    public const int ONoCtty = 0x100;

    public static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

    /// <summary>The termios speed code (Bxxxx) for a baud rate, or 0 when the rate has no standard code.</summary>
    public static uint SpeedCode(int baud) => baud switch
    {
        4800 => 12,
        9600 => 13,
        19200 => 14,
        38400 => 15,
        57600 => 0x1001,
        115200 => 0x1002,
        230400 => 0x1003,
        460800 => 0x1004,
        500000 => 0x1005,
        576000 => 0x1006,
        921600 => 0x1007,
        1000000 => 0x1008,
        _ => 0,
    };
}
