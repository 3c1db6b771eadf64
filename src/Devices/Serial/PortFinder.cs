namespace RobotActors.Devices.Serial;

/// <summary>Serial ports present on this machine.</summary>
public static class PortFinder
{
    /// <summary>/dev/ttyUSB*, /dev/ttyACM*, /dev/tty.* (macOS) and friends; COM ports on Windows.</summary>
    public static List<string> ListPorts()
    {
        if (OperatingSystem.IsWindows())
            return System.IO.Ports.SerialPort.GetPortNames().OrderBy(p => p).ToList();
        if (!Directory.Exists("/dev")) return [];
        return Directory.GetFiles("/dev", "tty*")
            .Where(p => Path.GetFileName(p) is var n && (n.StartsWith("ttyUSB") || n.StartsWith("ttyACM") || n.StartsWith("tty.") || n.StartsWith("ttyAMA") || n.StartsWith("ttyS")))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();
    }
}
