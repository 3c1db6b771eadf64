namespace RobotActors.Devices.Serial;

/// <summary>Which serial implementation to open a port with.</summary>
public enum SerialTransportKind
{
    /// <summary>termios + poll on Linux (fast, any baud rate); System.IO.Ports elsewhere.</summary>
    Auto,
    /// <summary>termios + poll directly (Linux).</summary>
    Posix,
    /// <summary>System.IO.Ports.SerialPort (portable).</summary>
    DotNet,
}

public static class SerialTransports
{
    public static ISerialTransport Open(string port, int baudRate, SerialTransportKind kind = SerialTransportKind.Auto) => kind switch
    {
        SerialTransportKind.DotNet => new SerialPortTransport(port, baudRate),
        SerialTransportKind.Posix => new PosixSerialTransport(port, baudRate),
        _ => OperatingSystem.IsLinux() ? new PosixSerialTransport(port, baudRate) : new SerialPortTransport(port, baudRate),
    };
}
