using RobotActors.Devices.Cameras;
using RobotActors.Rl.Env.Config;

namespace RobotActors.Rl.Env.Io;

/// <summary>Opens the cameras of a real robot's config: opencv-type cameras through ffmpeg (V4L2, MJPEG or YUYV).</summary>
public static class CameraFactory
{
    public static ICamera Create(string name, CameraConfig config)
    {
        if (config.Type != "opencv")
            throw new LeRobotConfigException($"env.robot.cameras.{name}: type \"{config.Type}\" is not supported on a real robot; use \"opencv\" (a V4L2 device or a video file, captured through ffmpeg).");
        return new FfmpegCamera(new FfmpegCameraOptions
        {
            Name = name,
            IndexOrPath = config.IndexOrPath ?? throw new LeRobotConfigException($"env.robot.cameras.{name}.index_or_path is required: a device index (0) or path (/dev/video0); see `robotactors find-cameras`."),
            Width = config.Width ?? throw new LeRobotConfigException($"env.robot.cameras.{name}.width is required (frames are read raw at a fixed size)."),
            Height = config.Height ?? throw new LeRobotConfigException($"env.robot.cameras.{name}.height is required (frames are read raw at a fixed size)."),
            Fps = config.Fps ?? 30,
            Fourcc = config.Fourcc,
            ColorMode = config.ColorMode,
            Rotation = config.Rotation,
            OpenTimeout = TimeSpan.FromSeconds(Math.Max(5, config.WarmupS + 4)),
        });
    }

    /// <summary>Opens and connects every camera; if one fails, the ones already open are closed again.</summary>
    public static Dictionary<string, ICamera> ConnectAll(IReadOnlyDictionary<string, CameraConfig> configs, Func<string, CameraConfig, ICamera>? create = null)
    {
        var cameras = new Dictionary<string, ICamera>();
        try
        {
            foreach (var (name, config) in configs)
            {
                var camera = (create ?? Create)(name, config);
                cameras[name] = camera;
                camera.Connect();
            }
            return cameras;
        }
        catch
        {
            foreach (var c in cameras.Values) c.Dispose();
            throw;
        }
    }
}
