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
            var port = r.String("port");
            var teleop = TeleopSettings.Read(entry, id);
            if (teleop is { IsScripted: true } && port != SimulatedPort)
                throw new SettingsException($"{entry.At}.teleop-type", "\"scripted\" is a simulated operator who watches a simulated workcell",
                    "Use it with port = \"sim\", or choose a leader arm or gamepad for a real robot");
            robots.Add(new RobotSettings(
                id, r.OneOf("type", FollowerTypes), port,
                entry.Has("calibration-dir") ? r.String("calibration-dir") : null,
                entry.Has("max-relative-target") ? r.Double("max-relative-target", 0, 360) : null,
                entry.Has("max-step-per-tick") ? r.Double("max-step-per-tick", 0, 360) : null,
                teleop,
                entry.Has("cameras") ? CameraSettings.ReadAll(entry.Reader.RawValue("cameras"), $"{entry.At}.cameras", simulated: port == SimulatedPort) : []));
        }
        return robots;
    }
}

/// <summary>
/// The teleoperator that drives a robot: a leader arm (so100_leader, so101_leader, koch_leader; port
/// "sim" for an emulated one), a gamepad (port: its /dev/input/js* device), or "scripted" (simulated
/// robots only: a simulated operator who watches the workcell; no port).
/// </summary>
public sealed record TeleopSettings(string Type, string Port, string Id)
{
    public static readonly string[] Types = ["so100_leader", "so101_leader", "koch_leader", "gamepad", "scripted"];

    public bool IsGamepad => Type == "gamepad";
    public bool IsScripted => Type == "scripted";

    internal static TeleopSettings? Read(SettingsReader.Entry robot, string robotId)
    {
        if (!robot.Has("teleop-type")) return null;
        var r = robot.Reader;
        var type = r.OneOf("teleop-type", Types);
        var port = type == "scripted" && !robot.Has("teleop-port") ? RobotSettings.SimulatedPort : r.String("teleop-port");
        return new TeleopSettings(type, port, robot.Has("teleop-id") ? r.String("teleop-id") : robotId + "-leader");
    }
}

/// <summary>
/// A camera of a robot: <c>{ name = "front", type = "folder", path = "/data/front", fps = 30 }</c>. The
/// "folder" type replays the images of a folder (PNG, PPM, PGM) as a live camera; frames are HWC uint8.
/// On a simulated robot every camera is rendered from its workcell whatever its type (the name picks the
/// viewpoint: "wrist" → on the gripper, else in front), at width × height (default 640 × 480), and needs no path.
/// </summary>
public sealed record CameraSettings(string Name, string Type, string Path, int Fps, bool Loop, int? Width = null, int? Height = null)
{
    public static readonly string[] Types = ["folder"];
    private static readonly string[] Keys = ["name", "type", "path", "fps", "loop", "width", "height"];

    private const string Example = "{ name = \"front\", type = \"folder\", path = \"/data/front\", fps = 30 }";

    internal static IReadOnlyList<CameraSettings> ReadAll(HoconValue value, string key, bool simulated = false)
    {
        var cameras = new List<CameraSettings>();
        foreach (var entry in SettingsReader.Entries(value, key, Keys, "camera", Example))
        {
            var r = entry.Reader;
            var name = r.String("name");
            if (cameras.Any(c => c.Name == name))
                throw new SettingsException($"{entry.At}.name", $"camera name \"{name}\" is used twice", "Give each camera of a robot its own name");
            cameras.Add(new CameraSettings(name, simulated && !entry.Has("type") ? "folder" : r.OneOf("type", Types),
                simulated && !entry.Has("path") ? "" : r.String("path"),
                entry.Has("fps") ? r.Int("fps", 1, 1000) : 30, !entry.Has("loop") || r.Bool("loop"),
                entry.Has("width") ? r.Int("width", 1, 8192) : null, entry.Has("height") ? r.Int("height", 1, 8192) : null));
        }
        return cameras;
    }
}

/// <summary>How device actors poll and reconnect, and how old a camera's newest frame may be before it counts as stalled.</summary>
public sealed record DeviceSettings(TimeSpan PollInterval, TimeSpan MinBackoff, TimeSpan MaxBackoff, TimeSpan CameraMaxAge);
