using Akka.Configuration.Hocon;

namespace RobotActors.Actors.Configuration;

/// <summary>
/// One robot a node drives, from an entry of <c>robotactors.robots</c>:
/// <c>{ id = "arm1", type = "so101_follower", port = "/dev/ttyACM0" }</c>. A port of "sim" serves the
/// bus from the built-in servo emulator, so a simulated arm runs through the same code as a real one.
/// </summary>
public sealed record RobotSettings(string Id, string Type, string Port, string? CalibrationDir, double? MaxRelativeTarget, double? MaxStepPerTick,
    TeleopSettings? Teleop = null, IReadOnlyList<CameraSettings>? Cameras = null)
{
    public const string SimulatedPort = "sim";
    public static readonly string[] FollowerTypes = ["so100_follower", "so101_follower", "koch_follower"];
    private static readonly string[] Keys = ["id", "type", "port", "calibration-dir", "max-relative-target", "max-step-per-tick", "teleop-type", "teleop-port", "teleop-id", "cameras"];

    public bool IsSimulated => Port == SimulatedPort;

    private const string Example = "{ id = \"arm1\", type = \"so101_follower\", port = \"/dev/ttyACM0\" }";

    internal static IReadOnlyList<RobotSettings> ReadAll(Akka.Configuration.Config config, string key)
    {
        var robots = new List<RobotSettings>();
        foreach (var entry in SettingsReader.Entries(config.HasPath(key) ? config.GetValue(key) : null, key, Keys, "robot", Example))
        {
            var r = entry.Reader;
            var id = r.String("id");
            if (id.Length == 0 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw new SettingsException($"{entry.At}.id", $"\"{id}\" is not a valid robot id", "Use letters, digits, '-' and '_' (it names the actor and the calibration file)");
            if (robots.Any(x => x.Id == id))
                throw new SettingsException($"{entry.At}.id", $"robot id \"{id}\" is used twice", "Give each robot its own id");
            robots.Add(new RobotSettings(
                id, r.OneOf("type", FollowerTypes), r.String("port"),
                entry.Has("calibration-dir") ? r.String("calibration-dir") : null,
                entry.Has("max-relative-target") ? r.Double("max-relative-target", 0, 360) : null,
                entry.Has("max-step-per-tick") ? r.Double("max-step-per-tick", 0, 360) : null,
                TeleopSettings.Read(entry, id),
                entry.Has("cameras") ? CameraSettings.ReadAll(entry.Reader.RawValue("cameras"), $"{entry.At}.cameras") : []));
        }
        return robots;
    }
}

/// <summary>
/// The teleoperator that drives a robot: a leader arm (so100_leader, so101_leader, koch_leader; port
/// "sim" for an emulated one) or a gamepad (port: its /dev/input/js* device).
/// </summary>
public sealed record TeleopSettings(string Type, string Port, string Id)
{
    public static readonly string[] Types = ["so100_leader", "so101_leader", "koch_leader", "gamepad"];

    public bool IsGamepad => Type == "gamepad";

    internal static TeleopSettings? Read(SettingsReader.Entry robot, string robotId)
    {
        if (!robot.Has("teleop-type")) return null;
        var r = robot.Reader;
        return new TeleopSettings(r.OneOf("teleop-type", Types), r.String("teleop-port"),
            robot.Has("teleop-id") ? r.String("teleop-id") : robotId + "-leader");
    }
}

/// <summary>
/// A camera of a robot: <c>{ name = "front", type = "folder", path = "/data/front", fps = 30 }</c>. The
/// "folder" type replays the images of a folder (PNG, PPM, PGM) as a live camera; frames are HWC uint8.
/// </summary>
public sealed record CameraSettings(string Name, string Type, string Path, int Fps, bool Loop)
{
    public static readonly string[] Types = ["folder"];
    private static readonly string[] Keys = ["name", "type", "path", "fps", "loop"];

    private const string Example = "{ name = \"front\", type = \"folder\", path = \"/data/front\", fps = 30 }";

    internal static IReadOnlyList<CameraSettings> ReadAll(HoconValue value, string key)
    {
        var cameras = new List<CameraSettings>();
        foreach (var entry in SettingsReader.Entries(value, key, Keys, "camera", Example))
        {
            var r = entry.Reader;
            var name = r.String("name");
            if (cameras.Any(c => c.Name == name))
                throw new SettingsException($"{entry.At}.name", $"camera name \"{name}\" is used twice", "Give each camera of a robot its own name");
            cameras.Add(new CameraSettings(name, r.OneOf("type", Types), r.String("path"),
                entry.Has("fps") ? r.Int("fps", 1, 1000) : 30, !entry.Has("loop") || r.Bool("loop")));
        }
        return cameras;
    }
}

/// <summary>How device actors poll and reconnect, and how old a camera's newest frame may be before it counts as stalled.</summary>
public sealed record DeviceSettings(TimeSpan PollInterval, TimeSpan MinBackoff, TimeSpan MaxBackoff, TimeSpan CameraMaxAge);
