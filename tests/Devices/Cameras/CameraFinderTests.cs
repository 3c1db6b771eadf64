using RobotActors.Devices.Cameras;

namespace RobotActors.Devices.Tests.Cameras;

public sealed class CameraFinderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ra-cams-").FullName;

    private void Device(string node, string? name, int? index)
    {
        Directory.CreateDirectory(Path.Combine(_root, "dev"));
        File.WriteAllText(Path.Combine(_root, "dev", node), "");
        var sys = Directory.CreateDirectory(Path.Combine(_root, "sys", "class", "video4linux", node)).FullName;
        if (name is not null) File.WriteAllText(Path.Combine(sys, "name"), name + "\n");
        if (index is not null) File.WriteAllText(Path.Combine(sys, "index"), index + "\n");
    }

    [Fact]
    public void Video_nodes_are_listed_in_number_order_with_their_kernel_names_and_metadata_nodes_marked()
    {
        Device("video10", "USB2.0 HD UVC WebCam", 0);
        Device("video2", "Arducam OV9281", 0);
        Device("video3", "Arducam OV9281", 1);
        Device("video-bogus", null, null);

        var found = CameraFinder.List(_root);

        Assert.Equal(["/dev/video2", "/dev/video3", "/dev/video10"], found.Select(d => d.Path));
        Assert.Equal("Arducam OV9281", found[0].Name);
        Assert.True(found[0].IsCapture);
        Assert.False(found[1].IsCapture);
        Assert.Equal("USB2.0 HD UVC WebCam", found[2].Name);
    }

    [Fact]
    public void A_machine_without_video_devices_lists_none()
    {
        Assert.Empty(CameraFinder.List(_root));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
