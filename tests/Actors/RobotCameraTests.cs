using System.Text;
using Akka.Actor;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Robots;
using RobotActors.Devices.Emulator;
using RobotActors.Devices.Motors;

namespace RobotActors.Actors.Tests;

/// <summary>Cameras as device actors: the latest frame served from the grab loop, and a stalled camera reported.</summary>
public sealed class RobotCameraTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly List<ServoBusEmulator> _emulators = [];
    private RobotActorsNode _node = null!;

    /// <summary>Writes a binary PPM (P6) whose pixel (y, x) is (index, y, x).</summary>
    private static void WritePpm(string path, int index, int width, int height)
    {
        using var file = File.Create(path);
        file.Write(Encoding.ASCII.GetBytes($"P6\n{width} {height}\n255\n"));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                file.Write([(byte)index, (byte)y, (byte)x]);
    }

    public async Task InitializeAsync()
    {
        var calibration = Path.Combine(_dir.Path, "calibration");
        var live = Directory.CreateDirectory(Path.Combine(_dir.Path, "live")).FullName;
        var once = Directory.CreateDirectory(Path.Combine(_dir.Path, "once")).FullName;
        for (var i = 0; i < 3; i++)
        {
            WritePpm(Path.Combine(live, $"{i:D3}.ppm"), 10 + i, 5, 4);
            WritePpm(Path.Combine(once, $"{i:D3}.ppm"), 10 + i, 5, 4);
        }
        foreach (var id in new[] { "c", "s" })
        {
            CalibrationFile.Save(Path.Combine(calibration, id + ".json"), SimulatedArm.DefaultCalibration("so101_follower"));
            _emulators.Add(ServoBusEmulator.ForArm(linkPath: Path.Combine(_dir.Path, id + ".tty")));
        }

        _node = RobotActorsNode.Start(TestSettings.Create(_dir.Path, $$"""
            robotactors.robots = [
              { id = "c", type = "so101_follower", port = "{{_emulators[0].PortPath}}", calibration-dir = "{{calibration}}",
                cameras = [ { name = "front", type = "folder", path = "{{live}}", fps = 30 } ] }
              { id = "s", type = "so101_follower", port = "{{_emulators[1].PortPath}}", calibration-dir = "{{calibration}}",
                cameras = [ { name = "wrist", type = "folder", path = "{{once}}", fps = 20, loop = false } ] }
            ]
            robotactors.device { poll-interval = 20ms, min-backoff = 2s, max-backoff = 5s, camera-max-age = 300ms }
            """), "test");
        await _node.WaitUntilUpAsync(TimeSpan.FromSeconds(20));
    }

    private Task<RobotStatusReport> Status(string id) => _node.RobotStatusAsync(id);

    [Fact]
    public async Task The_latest_frame_is_hwc_uint8_fresh_and_the_one_the_images_hold()
    {
        var ready = await _node.WaitForRobotStateAsync("c", DeviceState.Ready, TimeSpan.FromSeconds(20));
        Assert.Equal(["camera-front", "motors-main"], ready.Devices.Select(d => d.Name));

        var latest = await _node.System.ActorSelection("/user/robots/c").Ask<LatestFrame>(new GetLatestFrame("front"), TimeSpan.FromSeconds(5));
        var frame = latest.Frame;
        Assert.Equal((4, 5, 3), (frame.Height, frame.Width, frame.Channels));
        Assert.Equal(4 * 5 * 3, frame.Data.Length);
        Assert.InRange(frame[0, 0, 0], (byte)10, (byte)12);  // which image: 10, 11 or 12
        Assert.Equal(3, frame[3, 2, 1]);                       // row 3
        Assert.Equal(2, frame[3, 2, 2]);                       // column 2
        Assert.True(DateTime.UtcNow - frame.TimestampUtc < TimeSpan.FromSeconds(1));

        var unknown = await _node.System.ActorSelection("/user/robots/c").Ask<object>(new GetLatestFrame("rear"), TimeSpan.FromSeconds(5));
        Assert.Contains("has no device camera-rear", Assert.IsType<RobotCommandFailed>(unknown).Reason);
    }

    [Fact]
    public async Task A_camera_whose_frames_stop_is_reported_stalled_and_its_robot_disconnected()
    {
        // Three images at 20 fps, no looping: the frames stop after about 150 ms and go stale 300 ms later.
        var status = await _node.WaitForRobotStateAsync("s", DeviceState.Disconnected, TimeSpan.FromSeconds(10));

        var camera = status.Devices.Single(d => d.Name == "camera-wrist");
        Assert.Equal(DeviceState.Disconnected, camera.State);
        Assert.Contains("camera has stalled", camera.Detail);
        Assert.Equal(DeviceState.Ready, status.Devices.Single(d => d.Name == "motors-main").State);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        foreach (var e in _emulators) e.Dispose();
        _dir.Dispose();
    }
}
