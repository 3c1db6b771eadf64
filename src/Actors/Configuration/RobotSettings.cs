using Akka.Configuration.Hocon;

namespace RobotActors.Actors.Configuration;

/// <summary>
/// One robot a node drives, from an entry of <c>robotactors.robots</c>:
/// <c>{ id = "arm1", type = "so101_follower", port = "/dev/ttyACM0" }</c>. A port of "sim" serves the
/// bus from the built-in servo emulator, so a simulated arm runs through the same code as a real one.
/// </summary>
public sealed record RobotSettings(string Id, string Type, string Port, string? CalibrationDir, double? MaxRelativeTarget, double? MaxStepPerTick,
    TeleopSettings? Teleop = null)
{
    public const string SimulatedPort = "sim";
    public static readonly string[] FollowerTypes = ["so100_follower", "so101_follower", "koch_follower"];
    private static readonly string[] Keys = ["id", "type", "port", "calibration-dir", "max-relative-target", "max-step-per-tick", "teleop-type", "teleop-port", "teleop-id"];

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
                TeleopSettings.Read(r, at, item.ContainsKey("teleop-type"), id)));
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

/// <summary>How device actors poll and reconnect.</summary>
public sealed record DeviceSettings(TimeSpan PollInterval, TimeSpan MinBackoff, TimeSpan MaxBackoff);
