using RobotActors.Devices.Serial;

namespace RobotActors.Devices.Tests.Serial;

/// <summary>Issue 12.7: one answer on which ports are serial ports, for find-port and doctor alike.</summary>
public sealed class PortFinderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ra-ports-");

    public void Dispose() => _root.Delete(true);

    [Fact]
    public void USB_adapters_are_listed_and_a_built_in_UART_only_when_the_kernel_found_hardware_behind_it()
    {
        var dev = Directory.CreateDirectory(Path.Combine(_root.FullName, "dev")).FullName;
        var sys = Directory.CreateDirectory(Path.Combine(_root.FullName, "sys")).FullName;
        foreach (var name in new[] { "ttyS0", "ttyS1", "ttyS2", "ttyUSB0", "ttyACM0", "tty0", "tty1" })
            File.WriteAllText(Path.Combine(dev, name), "");
        void Uart(string name, int type)
        {
            Directory.CreateDirectory(Path.Combine(sys, name));
            File.WriteAllText(Path.Combine(sys, name, "type"), $"{type}\n");
        }
        Uart("ttyS0", 4); // a 16550A
        Uart("ttyS1", 0); // a device node with nothing behind it, as on most PCs
        // ttyS2 has no sysfs entry at all

        var found = PortFinder.Find(dev, sys);

        Assert.Equal([("ttyACM0", true), ("ttyS0", false), ("ttyUSB0", true)], found.Select(p => (Path.GetFileName(p.Path), p.IsUsb)));
        Assert.Equal("built-in UART", found.Single(p => p.Path.EndsWith("ttyS0")).Kind);
    }
}
