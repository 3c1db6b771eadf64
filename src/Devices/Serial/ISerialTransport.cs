namespace RobotActors.Devices.Serial;

/// <summary>
/// A byte pipe to a motor bus with read deadlines. Implementations: <see cref="SerialPortTransport"/>
/// (System.IO.Ports, for USB adapters and pseudo-terminals alike).
/// </summary>
public interface ISerialTransport : IDisposable
{
    string PortName { get; }
    int BaudRate { get; set; }
    bool IsOpen { get; }

    void Write(ReadOnlySpan<byte> data);

    /// <summary>Reads exactly buffer.Length bytes or throws <see cref="TimeoutException"/> at the deadline.</summary>
    void ReadExactly(Span<byte> buffer, DateTime deadlineUtc);

    /// <summary>Drops whatever is waiting in the receive buffer (late replies of an earlier, failed exchange).</summary>
    void DiscardInput();
}
