using System.Text.Json.Nodes;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Workcell;
using RobotActors.Rl.Env.Config;

namespace RobotActors.Host.Commands;

/// <summary>
/// lerobot-record's and lerobot-replay's device flags (--robot.*, --teleop.*, --dataset.fps, ...) as a
/// gym_manipulator env, so those commands run the same control pipeline as a --config_path file.
/// </summary>
public static class LeRobotFlagsEnv
{
    /// <summary>lerobot-record's flags as an env: joint control from a leader arm, or end-effector control from a gamepad, keyboard or the scripted operator.</summary>
    public static (HilSerlRobotEnvConfig Env, TimeSpan ResetTime) Build(List<KeyValuePair<string, string>> flags, bool needTeleop,
        IReadOnlyCollection<string> commandFlags, bool jointActions = true)
    {
        string Need(string key, string hint) => DottedFlags.Get(flags, key) ?? throw new ArgumentException($"--{key} is required: {hint} (or give --config_path).");
        var known = new HashSet<string>
        {
            "robot.type", "robot.port", "robot.id", "robot.calibration_dir", "robot.cameras", "robot.max_relative_target", "robot.use_degrees",
            "teleop.type", "teleop.port", "teleop.id", "teleop.calibration_dir", "teleop.use_degrees",
            "dataset.repo_id", "dataset.root", "dataset.num_episodes", "dataset.episode_time_s", "dataset.reset_time_s", "dataset.single_task",
            "dataset.fps", "dataset.push_to_hub", "dataset.private", "dataset.tags", "dataset.episode",
        };
        foreach (var (key, _) in flags)
            if (!known.Contains(key) && !commandFlags.Contains(key))
                throw new ArgumentException($"--{key} is not a flag of this command; see its --help.");
        if (DottedFlags.Bool(DottedFlags.Get(flags, "dataset.push_to_hub"), "--dataset.push_to_hub") ?? false)
            Console.Error.WriteLine("warning: --dataset.push_to_hub is ignored: there is no Hub access here; the dataset stays on disk.");
        var robot = new JsonObject { ["type"] = Need("robot.type", "the follower arm"), ["port"] = Need("robot.port", "its bus, or \"sim\"") };
        foreach (var key in new[] { "id", "calibration_dir", "max_relative_target", "use_degrees" })
            if (DottedFlags.Get(flags, "robot." + key) is { } v) robot[key] = JsonValueOf(v);
        if (DottedFlags.Get(flags, "robot.cameras") is { } cameras)
        {
            try { robot["cameras"] = JsonNode.Parse(DottedFlags.FlowMappingToJson(cameras)); }
            catch (System.Text.Json.JsonException e) { throw new ArgumentException($"--robot.cameras: not a mapping of cameras ({e.Message}); write \"{{ front: {{type: opencv, index_or_path: 0, width: 640, height: 480, fps: 30}}}}\"."); }
        }
        var teleopType = needTeleop ? Need("teleop.type", "a leader arm (so101_leader), gamepad, keyboard_ee or scripted") : DottedFlags.Get(flags, "teleop.type");
        JsonObject? teleop = null;
        if (teleopType is not null)
        {
            teleop = new JsonObject { ["type"] = teleopType };
            foreach (var key in new[] { "port", "id", "calibration_dir", "use_degrees" })
                if (DottedFlags.Get(flags, "teleop." + key) is { } v) teleop[key] = JsonValueOf(v);
        }
        var fps = DottedFlags.Int(DottedFlags.Get(flags, "dataset.fps"), "--dataset.fps") ?? 30;
        var episodeTime = DottedFlags.Double(DottedFlags.Get(flags, "dataset.episode_time_s"), "--dataset.episode_time_s") ?? 60;
        var resetTime = DottedFlags.Double(DottedFlags.Get(flags, "dataset.reset_time_s"), "--dataset.reset_time_s") ?? 60;
        // A leader arm drives the joints; a gamepad, keyboard or the scripted operator the end effector. A replay
        // (no teleoperator) follows the recorded action's names.
        var endEffector = teleopType is null ? !jointActions : !GymManipulatorConfigReader.LeaderTypes.Contains(teleopType);
        var processor = new JsonObject
        {
            ["control_mode"] = endEffector ? "gamepad" : "leader",
            ["reset"] = new JsonObject { ["reset_time_s"] = 0, ["control_time_s"] = episodeTime },
        };
        if (endEffector)
        {
            // End-effector control needs kinematics: the shipped model of the arm, in the scripted operator's workspace.
            var defaults = new Devices.Workcell.Operators.ScriptedOperatorOptions();
            processor["inverse_kinematics"] = new JsonObject
            {
                ["urdf_path"] = ArmModels.UrdfPath(robot["type"]!.GetValue<string>().Replace("_end_effector", "")),
                ["end_effector_bounds"] = new JsonObject { ["min"] = Numbers(defaults.BoundsMin), ["max"] = Numbers(defaults.BoundsMax) },
            };
        }
        var envJson = new JsonObject { ["fps"] = fps, ["robot"] = robot, ["processor"] = processor };
        if (teleop is not null) envJson["teleop"] = teleop;
        var json = new JsonObject { ["env"] = envJson };
        var source = new ConfigSource("the command line");
        var env = GymManipulatorConfigReader.ReadEnv(new ConfigSection(json["env"]!.AsObject(), "", source));
        foreach (var w in source.Warnings) Console.Error.WriteLine(w);
        if (ArmSpec.For(env.Robot!.Arm.Type).Role != ArmRole.Follower) throw new ArgumentException($"--robot.type {env.Robot.Arm.Type} is not a follower arm.");
        return (env, TimeSpan.FromSeconds(resetTime));
    }

    private static JsonArray Numbers(double[] values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static JsonNode? JsonValueOf(string raw)
    {
        try { return JsonNode.Parse(raw); }
        catch (System.Text.Json.JsonException) { return JsonValue.Create(raw); }
    }
}
