namespace RobotActors.Devices.Cameras;

/// <summary>LeRobot's Camera: connect, read (blocking), async_read (newest unconsumed), read_latest (non-blocking, max age).</summary>
public interface ICamera : IDisposable
{
    int Width { get; }
    int Height { get; }
    int Fps { get; }
    bool IsConnected { get; }
    void Connect();
    Frame Read();
    Frame AsyncRead(TimeSpan timeout);
    Frame ReadLatest(TimeSpan maxAge);
    void Disconnect();
}
