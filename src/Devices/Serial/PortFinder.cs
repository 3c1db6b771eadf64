namespace RobotActors.Devices.Serial;

/// <summary>A serial port of this machine: its device path and whether it is a USB adapter or a built-in UART.</summary>
public sealed record SerialPortInfo(string Path, bool IsUsb)
{
    public string Kind => IsUsb ? "USB serial adapter" : "built-in UART";
}

/// <summary>
/// The serial ports present on this machine, the one answer find-port and doctor both give. USB adapters
/// (ttyUSB*, ttyACM*, macOS tty.usb*) are always listed; a built-in UART (ttyS*, ttyAMA*) only when the kernel
/// found hardware behind it: a PC has ttyS0..ttyS31 device nodes whether or not a UART exists, and the
/// ones without report type 0 (unknown) in /sys/class/tty/&lt;name&gt;/type.
/// </summary>
public static class PortFinder
{
    public static List<SerialPortInfo> Find(string devRoot = "/dev", string sysTtyRoot = "/sys/class/tty")
    {
        if (OperatingSystem.IsWindows())
            return System.IO.Ports.SerialPort.GetPortNames().Order().Select(p => new SerialPortInfo(p, IsUsb: true)).ToList();
        if (!Directory.Exists(devRoot)) return [];
        var found = new List<SerialPortInfo>();
        foreach (var path in Directory.GetFiles(devRoot, "tty*").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith("ttyUSB", StringComparison.Ordinal) || name.StartsWith("ttyACM", StringComparison.Ordinal) || name.StartsWith("tty.usb", StringComparison.Ordinal))
                found.Add(new SerialPortInfo(path, IsUsb: true));
            else if ((name.StartsWith("ttyS", StringComparison.Ordinal) || name.StartsWith("ttyAMA", StringComparison.Ordinal)) && HasUart(sysTtyRoot, name))
                found.Add(new SerialPortInfo(path, IsUsb: false));
        }
        return found;
    }

    /// <summary>The paths of <see cref="Find"/>.</summary>
    public static List<string> ListPorts() => Find().Select(p => p.Path).ToList();

    private static bool HasUart(string sysTtyRoot, string name)
    {
        var type = Path.Combine(sysTtyRoot, name, "type");
        if (!File.Exists(type)) return Directory.Exists(Path.Combine(sysTtyRoot, name, "device")); // ttyAMA has no type file on some kernels
        return int.TryParse(File.ReadAllText(type).Trim(), out var t) && t != 0;
    }
}
