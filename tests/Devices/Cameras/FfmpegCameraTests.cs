using System.Diagnostics;
using RobotActors.Devices.Cameras;

namespace RobotActors.Devices.Tests.Cameras;

/// <summary>A fact that needs the ffmpeg executable; skipped, saying so, where it is absent (CI installs it).</summary>
public sealed class FfmpegFactAttribute : FactAttribute
{
    public FfmpegFactAttribute()
    {
        if (FfmpegCamera.FindFfmpeg() is null) Skip = "ffmpeg is not on PATH; install it (scripts/ffmpeg-for-tests.sh) to run the camera tests.";
    }
}

/// <summary>
/// The opencv-type camera through ffmpeg, fed by ffmpeg's own test sources and by a video file: the same
/// code path as a /dev/video device, whose only difference is the input-format flag.
/// </summary>
public sealed class FfmpegCameraTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ra-ffcam-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void A_device_index_becomes_a_V4L2_input_with_LeRobots_fourcc_and_only_the_input_flags_differ_from_a_file()
    {
        var device = new FfmpegCamera(new FfmpegCameraOptions { IndexOrPath = "2", Width = 640, Height = 480, Fps = 30, Fourcc = "MJPG" });
        Assert.Equal("/dev/video2", device.Input);
        var args = device.Arguments();
        Assert.Equal(["-f", "v4l2", "-framerate", "30", "-video_size", "640x480", "-input_format", "mjpeg", "-i", "/dev/video2"], args.Skip(4).Take(10));
        var file = new FfmpegCamera(new FfmpegCameraOptions { IndexOrPath = "/data/front.mp4", Width = 640, Height = 480, Fps = 30 });
        Assert.Equal(args.SkipWhile(a => a != "-vf"), file.Arguments().SkipWhile(a => a != "-vf"));
        var yuyv = new FfmpegCamera(new FfmpegCameraOptions { IndexOrPath = "/dev/video0", Width = 320, Height = 240, Fourcc = "YUYV", Rotation = 90 });
        Assert.Contains("yuyv422", yuyv.Arguments());
        Assert.Contains("scale=320:240,fps=30,transpose=1", yuyv.Arguments());
        Assert.Equal((320, 240), (yuyv.Height, yuyv.Width)); // turned a quarter: frames are 240 wide
    }

    [FfmpegFact]
    public void Frames_of_ffmpegs_test_source_arrive_at_the_configured_size_and_rate_in_the_latest_frame_cache()
    {
        using var camera = new FfmpegCamera(new FfmpegCameraOptions
        {
            Name = "front", IndexOrPath = "testsrc=size=320x240:rate=15", InputFormat = "lavfi", Width = 160, Height = 120, Fps = 15,
        });
        camera.Connect();
        var first = camera.ReadLatest(TimeSpan.FromSeconds(1));
        Assert.Equal((120, 160, 3), (first.Height, first.Width, first.Channels));
        Assert.True(first.Data.Distinct().Count() > 20, "a test pattern, not a blank frame");
        var start = camera.FramesRead;
        Thread.Sleep(1000);
        var perSecond = camera.FramesRead - start;
        Assert.InRange(perSecond, 8, 22); // 15 fps, paced by -re rather than as fast as ffmpeg can generate
        Assert.True(camera.ReadLatest(TimeSpan.FromMilliseconds(500)).Index > first.Index);
    }

    [FfmpegFact]
    public void A_video_file_plays_as_a_camera_and_loops()
    {
        var video = Path.Combine(_dir.FullName, "front.mp4");
        using (var make = Process.Start(new ProcessStartInfo("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=128x96:rate=20:duration=0.5", "-pix_fmt", "yuv420p", video])
               { RedirectStandardError = true })!)
            make.WaitForExit();
        Assert.True(File.Exists(video));
        using var camera = new FfmpegCamera(new FfmpegCameraOptions { Name = "front", IndexOrPath = video, Width = 64, Height = 48, Fps = 20 });
        camera.Connect();
        Thread.Sleep(1200); // more than twice the file's length
        Assert.True(camera.FramesRead > 15, $"read {camera.FramesRead} frames of a 10-frame file in 1.2 s");
        Assert.Equal(64 * 48 * 3, camera.ReadLatest(TimeSpan.FromMilliseconds(500)).Data.Length);
    }

    [FfmpegFact]
    public void A_camera_that_does_not_open_is_one_error_naming_it_and_find_cameras()
    {
        using var camera = new FfmpegCamera(new FfmpegCameraOptions { Name = "wrist", IndexOrPath = "/dev/video97", Width = 640, Height = 480 });
        var e = Assert.Throws<CameraOpenException>(camera.Connect);
        Assert.Contains("camera 'wrist': index_or_path '/dev/video97'", e.Message);
        Assert.Contains("find-cameras", e.Message);
        Assert.False(camera.IsConnected);
    }

    [Fact]
    public void A_missing_ffmpeg_is_one_error_naming_the_camera_and_the_fix()
    {
        using var camera = new FfmpegCamera(new FfmpegCameraOptions
        {
            Name = "front", IndexOrPath = "0", Width = 640, Height = 480, Executable = Path.Combine(_dir.FullName, "no-ffmpeg-here"),
        });
        var e = Assert.Throws<CameraOpenException>(camera.Connect);
        Assert.Contains("camera 'front' (0) needs the `ffmpeg` executable", e.Message);
        Assert.Contains("apt-get install ffmpeg", e.Message);
        Assert.Contains("find-cameras", e.Message);
    }
}
