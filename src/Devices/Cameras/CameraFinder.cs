namespace RobotActors.Devices.Cameras;

/// <summary>A video device as the kernel names it: /dev/videoN, its card name, and whether it captures.</summary>
public sealed record VideoDevice(string Path, string Name, int Index, bool IsCapture);

/// <summary>
/// Lists V4L2 video devices (LeRobot's lerobot-find-cameras for OpenCV cameras), from /dev and the
/// names the kernel publishes under /sys/class/video4linux. A USB camera usually shows two nodes; the
/// second one carries metadata, not frames, and the kernel marks it with a non-zero "index".
/// </summary>
public static class CameraFinder
{
    /// <param name="root">The filesystem root; tests pass a folder laid out like / .</param>
    public static IReadOnlyList<VideoDevice> List(string root = "/")
    {
        var dev = Path.Combine(root, "dev");
        if (!Directory.Exists(dev)) return [];
        var devices = new List<VideoDevice>();
        foreach (var path in Directory.GetFiles(dev, "video*"))
        {
            var node = Path.GetFileName(path);
            if (!int.TryParse(node["video".Length..], out _)) continue;
            var sys = Path.Combine(root, "sys", "class", "video4linux", node);
            var name = ReadLine(Path.Combine(sys, "name")) ?? "(unknown)";
            var index = int.TryParse(ReadLine(Path.Combine(sys, "index")), out var i) ? i : 0;
            devices.Add(new VideoDevice(Path.Combine("/dev", node), name, index, IsCapture: index == 0));
        }
        return devices.OrderBy(d => int.Parse(Path.GetFileName(d.Path)["video".Length..])).ToList();
    }

    private static string? ReadLine(string file)
    {
        try { return File.Exists(file) ? File.ReadAllText(file).Trim() : null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
