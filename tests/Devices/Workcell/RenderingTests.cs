using RobotActors.Devices.Cameras;
using RobotActors.Devices.Workcell;
using RobotActors.Devices.Workcell.Geometry;
using RobotActors.Devices.Workcell.Rendering;

namespace RobotActors.Devices.Tests.Workcell;

/// <summary>Cameras rendered from the workcell: where things appear, what the wrist camera sees, the sizes asked for.</summary>
public sealed class RenderingTests
{
    private static bool Red(Frame f, int y, int x) => f[y, x, 0] > 110 && f[y, x, 1] < 60 && f[y, x, 2] < 60;
    private static bool Blue(Frame f, int y, int x) => f[y, x, 2] > 110 && f[y, x, 0] < 70 && f[y, x, 2] > f[y, x, 1] + 40;
    private static bool Magenta(Frame f, int y, int x) => f[y, x, 0] > 100 && f[y, x, 2] > 80 && f[y, x, 1] < 70;
    private static bool Green(Frame f, int y, int x) => f[y, x, 1] > 100 && f[y, x, 0] < 80 && f[y, x, 2] < 100;

    private static double Fraction(Frame f, Func<Frame, int, int, bool> test)
    {
        var n = 0;
        for (var y = 0; y < f.Height; y++)
            for (var x = 0; x < f.Width; x++)
                if (test(f, y, x)) n++;
        return n / (double)(f.Width * f.Height);
    }

    /// <summary>Where the front camera sees a world point (pixel column, row).</summary>
    private static (int X, int Y) Pixel(WorkcellCamera camera, Vec3 world)
    {
        var (x, y) = camera.Raster.Project(camera.Viewpoint.Mount.ApplyInverse(world))!.Value;
        return ((int)x, (int)y);
    }

    [Fact]
    public void Every_camera_renders_rgb_hwc_at_the_size_its_config_asks_for()
    {
        using var cell = new RobotActors.Devices.Workcell.Workcell();
        foreach (var (name, w, h) in new[] { ("front", 64, 48), ("wrist", 128, 96), ("laptop", 640, 480), ("top", 32, 32) })
        {
            using var camera = cell.Camera(name, w, h, fps: 10);
            camera.Connect();
            var frame = camera.Read();
            Assert.Equal((h, w, 3, w * h * 3), (frame.Height, frame.Width, frame.Channels, frame.Data.Length));
            Assert.Equal((w, h), (camera.Width, camera.Height));
            Assert.Equal(frame.Index + 1, camera.AsyncRead(TimeSpan.FromSeconds(1)).Index);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => cell.Camera("front", 0, 48));
    }

    [Fact]
    public void The_cube_appears_in_the_front_camera_where_the_projection_puts_it_and_moves_with_it()
    {
        using var cell = new RobotActors.Devices.Workcell.Workcell();
        using var camera = cell.Camera("front", 128, 128);
        var places = new[] { new Vec3(0.18, 0.07, 0.0125), new Vec3(0.26, -0.08, 0.0125) };
        var pixels = places.Select(p => Pixel(camera, p)).ToArray();
        Assert.True(Math.Abs(pixels[0].X - pixels[1].X) > 20, "the two places are far apart in the image");
        for (var i = 0; i < places.Length; i++)
        {
            cell.PlaceCube(places[i]);
            var frame = camera.Read();
            var (x, y) = pixels[i];
            var other = pixels[1 - i];
            Assert.True(Red(frame, y, x), $"cube at {places[i]} should be red at ({x},{y}): {frame[y, x, 0]},{frame[y, x, 1]},{frame[y, x, 2]}");
            Assert.False(Red(frame, other.Y, other.X), "and gone from where it was");
        }
        // At 64×64 it still covers a block of pixels.
        using var small = cell.Camera("front", 64, 64);
        Assert.InRange(Fraction(small.Read(), Red) * 64 * 64, 6, 200);
    }

    [Fact]
    public void The_front_camera_shows_the_push_zone_and_the_jaws_in_distinct_colours()
    {
        using var cell = new RobotActors.Devices.Workcell.Workcell(new WorkcellOptions { Task = "push_cube" });
        using var camera = cell.Camera("front", 64, 64);
        var frame = camera.Read();
        var zone = cell.Task.ZoneCenter!;
        var (x, y) = Pixel(camera, new Vec3(zone[0], zone[1], 0));
        Assert.True(Green(frame, y, x), $"zone centre at ({x},{y}) is {frame[y, x, 0]},{frame[y, x, 1]},{frame[y, x, 2]}");
        Assert.True(Fraction(frame, Blue) > 0.003, "the moving jaw (blue) is in view");
        Assert.True(Fraction(frame, Red) > 0.001, "the cube (red) is in view");
    }

    [Fact]
    public void The_wrist_camera_sees_both_jaws_and_changes_when_the_arm_moves()
    {
        using var sim = new SimArm();
        using var wrist = sim.Cell.Camera("observation.images.wrist", 64, 64);
        Assert.Same(CameraViewpoint.Wrist, wrist.Viewpoint);
        var before = wrist.Read();
        Assert.True(Fraction(before, Blue) > 0.03, "the moving jaw fills part of the wrist view");
        Assert.True(Fraction(before, Magenta) > 0.01, "and so does the fixed jaw");
        sim.MoveTo(new Vec3(0.17, 0.09, 0.05), gripper: 40, seconds: 1.5);
        var after = wrist.Read();
        var changed = 0;
        for (var i = 0; i < before.Data.Length; i += 3)
            if (Math.Abs(before.Data[i] - after.Data[i]) + Math.Abs(before.Data[i + 1] - after.Data[i + 1]) + Math.Abs(before.Data[i + 2] - after.Data[i + 2]) > 30)
                changed++;
        Assert.True(changed > 64 * 64 / 10, $"only {changed} of {64 * 64} pixels changed");
        // A fixed camera does not move with the arm: the far corner of the table looks the same.
        using var front = sim.Cell.Camera("front", 64, 64);
        Assert.Equal(front.Read()[63, 0, 0], front.Read()[63, 0, 0]);
    }

    [Fact]
    public void Configured_camera_names_map_to_viewpoints()
    {
        Assert.Same(CameraViewpoint.Wrist, CameraViewpoint.ForName("wrist"));
        Assert.Same(CameraViewpoint.Wrist, CameraViewpoint.ForName("gripper_cam"));
        Assert.Same(CameraViewpoint.Top, CameraViewpoint.ForName("overhead"));
        Assert.Same(CameraViewpoint.Side, CameraViewpoint.ForName("side"));
        Assert.Same(CameraViewpoint.Front, CameraViewpoint.ForName("front"));
        Assert.Same(CameraViewpoint.Front, CameraViewpoint.ForName("laptop")); // not "top"
        Assert.Same(CameraViewpoint.Wrist, CameraViewpoint.ForName("observation.images.wrist_cam"));
        Assert.Same(CameraViewpoint.Front, CameraViewpoint.ForName("phone"));
    }
}
