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

    internal static IReadOnlyList<RobotSettings> ReadAll(Akka.Configuration.Config config, string key)
    {
        var value = config.HasPath(key) ? config.GetValue(key) : null;
        if (value is null || value.IsEmpty || value.Values.All(v => v is HoconArray a && a.Count == 0)) return [];
        if (!value.IsArray())
            throw new SettingsException(key, "expected a list of robots", "Write robots = [ { id = \"arm1\", type = \"so101_follower\", port = \"/dev/ttyACM0\" } ]");

        var robots = new List<RobotSettings>();
        var entries = value.GetArray();
        for (var i = 0; i < entries.Count; i++)
        {
            var at = $"{key}[{i}]";
            if (!entries[i].IsObject())
                throw new SettingsException(at, "expected an object { id = ..., type = ..., port = ... }", "Write each robot as { id = \"arm1\", type = \"so101_follower\", port = \"/dev/ttyACM0\" }");
            foreach (var name in entries[i].GetObject().Items.Keys)
                if (!Keys.Contains(name))
                    throw new SettingsException($"{at}.{name}", "is not a robot setting", $"A robot takes: {string.Join(", ", Keys)}");

            var r = new SettingsReader(entries[i].ToConfig());
            var item = entries[i].GetObject().Items;
            var id = r.String("id");
            if (id.Length == 0 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw new SettingsException($"{at}.id", $"\"{id}\" is not a valid robot id", "Use letters, digits, '-' and '_' (it names the actor and the calibration file)");
            if (robots.Any(x => x.Id == id))
                throw new SettingsException($"{at}.id", $"robot id \"{id}\" is used twice", "Give each robot its own id");
            var type = r.OneOf("type", FollowerTypes);
            robots.Add(new RobotSettings(
                id, type, r.String("port"),
                item.ContainsKey("calibration-dir") ? r.String("calibration-dir") : null,
                item.ContainsKey("max-relative-target") ? r.Double("max-relative-target", 0, 360) : null,
                item.ContainsKey("max-step-per-tick") ? r.Double("max-step-per-tick", 0, 360) : null,
                TeleopSettings.Read(r, at, item.ContainsKey("teleop-type"), id),
                item.TryGetValue("cameras", out var cameras) ? CameraSettings.ReadAll(cameras, $"{at}.cameras") : []));
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

    internal static TeleopSettings? Read(SettingsReader r, string at, bool present, string robotId)
    {
        if (!present) return null;
        var type = r.OneOf("teleop-type", Types);
        var port = r.String("teleop-port");
        string id;
        try { id = r.String("teleop-id"); }
        catch (SettingsException) { id = robotId + "-leader"; }
        return new TeleopSettings(type, port, id);
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

    internal static IReadOnlyList<CameraSettings> ReadAll(HoconValue value, string key)
    {
        if (value.Values.All(v => v is HoconArray a && a.Count == 0)) return [];
        if (!value.IsArray())
            throw new SettingsException(key, "expected a list of cameras", "Write cameras = [ { name = \"front\", type = \"folder\", path = \"/data/front\", fps = 30 } ]");
        var cameras = new List<CameraSettings>();
        var entries = value.GetArray();
        for (var i = 0; i < entries.Count; i++)
        {
            var at = $"{key}[{i}]";
            if (!entries[i].IsObject())
                throw new SettingsException(at, "expected an object { name = ..., type = ..., path = ... }", "Write each camera as { name = \"front\", type = \"folder\", path = \"/data/front\" }");
            var item = entries[i].GetObject().Items;
            foreach (var name in item.Keys)
                if (!Keys.Contains(name))
                    throw new SettingsException($"{at}.{name}", "is not a camera setting", $"A camera takes: {string.Join(", ", Keys)}");
            var r = new SettingsReader(entries[i].ToConfig());
            var cameraName = r.String("name");
            if (cameras.Any(c => c.Name == cameraName))
                throw new SettingsException($"{at}.name", $"camera name \"{cameraName}\" is used twice", "Give each camera of a robot its own name");
            cameras.Add(new CameraSettings(cameraName, r.OneOf("type", Types), r.String("path"),
                item.ContainsKey("fps") ? r.Int("fps", 1, 1000) : 30, !item.ContainsKey("loop") || r.Bool("loop")));
        }
        return cameras;
    }
}

/// <summary>How device actors poll and reconnect, and how old a camera's newest frame may be before it counts as stalled.</summary>
public sealed record DeviceSettings(TimeSpan PollInterval, TimeSpan MinBackoff, TimeSpan MaxBackoff, TimeSpan CameraMaxAge);
