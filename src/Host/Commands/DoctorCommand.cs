using System.CommandLine;
using RobotActors.Devices.Cameras;
using RobotActors.Devices.Serial;
using RobotActors.Host.Configuration;
using RobotActors.Policies.Torch;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors doctor`: checks this machine, one line per check, OK or FAIL with the fix.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var command = new Command("doctor", "Check this machine: .NET, TorchSharp native load, journal folder, serial ports, cameras.") { config };
        command.SetAction(parse => Run(parse.GetValue(config)!));
        return command;
    }

    private sealed record Check(string Name, bool Ok, string Detail);

    private static int Run(string configFile)
    {
        var checks = new List<Check>
        {
            DotNet(),
            Torch(),
            JournalFolder(configFile),
            SerialPorts(),
            VideoDevices(),
        };
        foreach (var c in checks)
            Console.WriteLine($"{(c.Ok ? "OK  " : "FAIL")}  {c.Name,-16} {c.Detail}");
        var failed = checks.Count(c => !c.Ok);
        Console.WriteLine(failed == 0 ? "All checks passed." : $"{failed} check(s) failed.");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static Check DotNet()
    {
        var v = Environment.Version;
        return v.Major >= 10
            ? new Check(".NET", true, $"{v} ({System.Runtime.InteropServices.RuntimeInformation.OSDescription})")
            : new Check(".NET", false, $"{v}: RobotActors needs .NET 10 or later; install the .NET 10 runtime.");
    }

    private static Check Torch()
    {
        try
        {
            var info = TorchRuntime.EnsureLoaded();
            var allocator = NativeAllocator.KeepFreedMemory() ? "freed memory kept (glibc)" : "C library allocator defaults";
            return new Check("TorchSharp", true, $"libtorch {info.LibTorchVersion} loaded, {info.Threads} threads ({info.InteropThreads} inter-op), {allocator}");
        }
        catch (TorchNativeLoadException ex)
        {
            return new Check("TorchSharp", false, ex.Message);
        }
    }

    private static Check JournalFolder(string configFile)
    {
        string folder;
        try
        {
            folder = ConfigLoader.Load(configFile).Settings.DataPath;
        }
        catch (ConfigException ex)
        {
            return new Check("journal folder", false, $"cannot read the config: {ex.Message}");
        }
        try
        {
            var existed = Directory.Exists(folder);
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".doctor-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            if (!existed) Directory.Delete(folder); // a check leaves nothing behind
            return new Check("journal folder", true, $"{folder} is writable");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Check("journal folder", false, $"{folder} is not writable ({ex.Message}); choose another with --set robotactors.data-dir=<folder> or fix its permissions.");
        }
    }

    private static Check SerialPorts()
    {
        // The same finder as find-port: USB adapters, and built-in UARTs only when there is hardware behind them.
        var ports = PortFinder.Find();
        var listed = string.Join(", ", ports.Select(p => $"{p.Path} ({p.Kind})"));
        return ports.Any(p => p.IsUsb)
            ? new Check("serial ports", true, listed)
            : new Check("serial ports", true, (ports.Count > 0 ? listed + "; " : "") +
                "no USB bus adapter found (not needed for the simulated robot; plug in the arm's USB bus adapter for hardware, then run `robotactors find-port`)");
    }

    private static Check VideoDevices()
    {
        var devices = CameraFinder.List();
        return devices.Count > 0
            ? new Check("cameras", true, string.Join(", ", devices.Select(d => $"{d.Path} ({d.Name})")))
            : new Check("cameras", true, "no /dev/video* found (not needed for the simulated robot; plug in a USB camera for real capture)");
    }
}
