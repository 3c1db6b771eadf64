namespace RobotActors.Devices.Cameras;

/// <summary>One camera frame: height × width × channels bytes (HWC, uint8, RGB order), with its capture time.</summary>
public sealed record Frame(byte[] Data, int Height, int Width, int Channels, DateTime TimestampUtc, long Index)
{
    public byte this[int y, int x, int c] => Data[(y * Width + x) * Channels + c];
}
