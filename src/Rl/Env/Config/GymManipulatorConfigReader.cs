using System.Text.Json;
using System.Text.Json.Nodes;
using RobotActors.Datasets.Images;
using RobotActors.Devices.Robots;

namespace RobotActors.Rl.Env.Config;

/// <summary>
/// Reads LeRobot's gym_manipulator configs with LeRobot's key names, in the env.processor.* layout of v0.5
/// and later, and the end-effector fields older configs put on the robot (so100_follower_end_effector).
/// Overrides ("env.fps" = "5") are laid over the file first, as draccus does. Unknown keys and wrong types
/// are errors naming the JSON path and the file (or flag); keys with no use here are accepted with one warning.
/// </summary>
public static class GymManipulatorConfigReader
{
    public static readonly string[] Modes = ["record", "replay"];
    public static readonly string[] ControlModes = ["gamepad", "keyboard", "keyboard_ee", "leader"];
    public static readonly string[] LeaderTypes = ["so100_leader", "so101_leader", "koch_leader"];
    public static readonly string[] EventTeleopTypes = ["gamepad", "keyboard", "keyboard_ee", "scripted"];

    public static GymManipulatorConfig Read(string path, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        var (root, source) = Load(path, overrides);
        return Read(root, source);
    }

    /// <summary>Parses a JSON file into an object, applying overrides; syntax errors name the file and position.</summary>
    public static (ConfigSection Root, ConfigSource Source) Load(string path, IEnumerable<KeyValuePair<string, string>>? overrides)
    {
        if (!File.Exists(path)) throw new LeRobotConfigException($"--config_path {path}: the file does not exist.");
        var source = new ConfigSource(path);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new LeRobotConfigException($"{path}: expected a JSON object at the top.");
        }
        catch (JsonException e)
        {
            throw new LeRobotConfigException($"{path}: not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}): {e.Message}");
        }
        if (overrides is not null) source.ApplyOverrides(json, overrides);
        return (new ConfigSection(json, "", source), source);
    }

    public static GymManipulatorConfig Read(ConfigSection root, ConfigSource source)
    {
        var mode = root.String("mode");
        if (mode is not null && !Modes.Contains(mode))
            throw root.Error("mode", $"\"{mode}\" is not a mode; use \"record\", \"replay\" or null.");
        var device = Device(root);
        var env = ReadEnv(root.Section("env") ?? throw root.Error("env", "is required: the gym_manipulator env (robot, teleop, processor)."));
        var dataset = root.Section("dataset") is { } d ? ReadDataset(d) : null;
        root.Done();
        if (mode == "record" && dataset is null) throw root.Error("dataset", "is required in record mode (repo_id, root, task, num_episodes_to_record).");
        if (mode == "replay" && dataset?.ReplayEpisode is null) throw root.Error("dataset.replay_episode", "is required in replay mode: the episode to replay.");
        return new GymManipulatorConfig { Env = env, Dataset = dataset, Mode = mode, Device = device, Source = source.File, Warnings = source.Warnings };
    }

    /// <summary>The "device" key: this runtime computes on the CPU; anything else is accepted with a warning.</summary>
    public static string Device(ConfigSection section, string key = "device")
    {
        var device = section.String(key, "cpu")!;
        if (device != "cpu") section.Source.Warn(section.At(key), $"\"{device}\" is not available; this runtime uses the CPU (TorchSharp CPU build).");
        return "cpu";
    }

    public static HilSerlRobotEnvConfig ReadEnv(ConfigSection env)
    {
        var type = env.String("type", "gym_manipulator");
        if (type != "gym_manipulator")
            throw env.Error("type", $"\"{type}\" is not supported; the robot environment is \"gym_manipulator\" (for the simulated arm too: robot.port \"sim\").");
        var fps = env.Int("fps", 10);
        if (fps <= 0) throw env.Error("fps", $"must be positive, got {fps}.");
        var name = env.String("name", "real_robot")!;
        var task = env.String("task");
        env.Ignore("features", "the env's features are derived from the robot, cameras and processor here.");
        env.Ignore("features_map", "the env's features are derived from the robot, cameras and processor here.");
        env.Ignore("max_parallel_tasks", "one robot environment runs at a time.");
        env.Ignore("disable_env_checker", "there is no gym env checker here.");
        InverseKinematicsConfig? legacyIk = null;
        double? legacyMaxGripper = null;
        var robot = env.Section("robot") is { } robotSection ? ReadRobot(robotSection, out legacyIk, out legacyMaxGripper) : null;
        var teleop = env.Section("teleop") is { } t ? ReadTeleop(t) : null;
        var processorSection = env.Section("processor");
        var processor = processorSection is null ? new HilSerlProcessorConfig() : ReadProcessor(processorSection);
        env.Done();
        // Older configs (so100_follower_end_effector) carry the end-effector settings on the robot.
        if (processor.InverseKinematics is null && legacyIk is not null) processor = processor with { InverseKinematics = legacyIk };
        if (legacyMaxGripper is { } g && processorSection?.Json["max_gripper_pos"] is null) processor = processor with { MaxGripperPos = g };
        var config = new HilSerlRobotEnvConfig { Name = name, Task = task, Fps = fps, Robot = robot, Teleop = teleop, Processor = processor };
        Validate(config, env);
        return config;
    }

    private static void Validate(HilSerlRobotEnvConfig config, ConfigSection env)
    {
        var reset = config.Processor.Reset;
        if (reset.FixedResetJointPositions is { } q && config.Robot is { } r)
        {
            var motors = ArmSpec.For(r.Arm.Type).Motors.Count;
            if (q.Length != motors)
                throw env.Error("processor.reset.fixed_reset_joint_positions", $"has {q.Length} values but a {r.Arm.Type} has {motors} motors ({string.Join(", ", ArmSpec.For(r.Arm.Type).Motors.Select(m => m.Name))}).");
        }
        if (config.Robot is { } robot)
            foreach (var (key, box) in config.Processor.ImagePreprocessing.CropParamsDict)
            {
                var camera = key.StartsWith("observation.images.", StringComparison.Ordinal) ? key["observation.images.".Length..] : key;
                if (!robot.Cameras.TryGetValue(camera, out var c))
                    throw env.Error($"processor.image_preprocessing.crop_params_dict.{key}", $"names no camera of the robot (cameras: {string.Join(", ", robot.Cameras.Keys.Select(k => "observation.images." + k))}).");
                if (c.Width is { } w && c.Height is { } h && !box.FitsIn(h, w))
                    throw env.Error($"processor.image_preprocessing.crop_params_dict.{key}",
                        $"{box} (top, left, height, width) lies outside camera '{camera}', whose frames are {w}x{h} (width {w}, height {h}).");
            }
    }

    private static EnvRobotConfig ReadRobot(ConfigSection s, out InverseKinematicsConfig? legacyIk, out double? legacyMaxGripper)
    {
        var type = s.RequiredString("type", $"one of {string.Join(", ", ArmSpec.Known.Keys.Where(k => k.EndsWith("_follower")))}.");
        var endEffector = type.EndsWith("_end_effector", StringComparison.Ordinal);
        var armType = endEffector ? type[..^"_end_effector".Length] : type;
        if (!ArmSpec.Known.TryGetValue(armType, out var spec) || spec.Role != ArmRole.Follower)
            throw s.Error("type", $"\"{type}\" is not a follower arm; use one of {string.Join(", ", ArmSpec.Known.Values.Where(a => a.Role == ArmRole.Follower).Select(a => a.Type))} (or its _end_effector variant).");
        var arm = new ArmConfig
        {
            Type = armType,
            Port = s.RequiredString("port", "the serial port of the bus (see `robotactors find-port`), or \"sim\" for the simulated workcell."),
            Id = s.String("id", "default")!,
            CalibrationDir = s.String("calibration_dir"),
            DisableTorqueOnDisconnect = s.Bool("disable_torque_on_disconnect", true),
            UseDegrees = s.Has("use_degrees") ? s.Bool("use_degrees", true) : null,
        };
        arm = MaxRelativeTarget(s, arm);
        var cameras = new Dictionary<string, CameraConfig>();
        foreach (var (name, node, _) in s.Entries("cameras")) cameras[name] = ReadCamera(s.Child($"cameras.{name}", node));
        legacyIk = null;
        legacyMaxGripper = null;
        if (endEffector)
        {
            legacyMaxGripper = s.OptionalDouble("max_gripper_pos");
            var urdf = s.String("urdf_path");
            var bounds = s.Section("end_effector_bounds");
            var steps = s.Section("end_effector_step_sizes");
            var frame = s.String("target_frame_name", "gripper_frame_link")!;
            if (urdf is not null)
                legacyIk = new InverseKinematicsConfig
                {
                    UrdfPath = urdf, TargetFrameName = frame,
                    BoundsMin = bounds is null ? [-1, -1, -1] : Bounds(bounds).Min, BoundsMax = bounds is null ? [1, 1, 1] : Bounds(bounds).Max,
                    StepSizes = steps is null ? [0.02, 0.02, 0.02] : StepSizes(steps),
                };
        }
        s.Done();
        return new EnvRobotConfig { Arm = arm, Cameras = cameras };
    }

    private static ArmConfig MaxRelativeTarget(ConfigSection s, ArmConfig arm)
    {
        if (!s.Has("max_relative_target")) return arm;
        var node = s.Json["max_relative_target"];
        if (node is JsonObject perMotor)
        {
            var map = new Dictionary<string, double>();
            var section = s.Child("max_relative_target", perMotor);
            foreach (var (motor, _) in perMotor) map[motor] = section.Double(motor, 0);
            var motors = ArmSpec.For(arm.Type).Motors.Select(m => m.Name).ToHashSet();
            foreach (var motor in map.Keys)
                if (!motors.Contains(motor)) throw section.Error(motor, $"is not a motor of a {arm.Type} ({string.Join(", ", motors)}).");
            return arm with { MaxRelativeTargetPerMotor = map };
        }
        return arm with { MaxRelativeTarget = s.OptionalDouble("max_relative_target") };
    }

    private static CameraConfig ReadCamera(ConfigSection c)
    {
        var type = c.RequiredString("type", "\"opencv\" for a USB/V4L2 camera or a video file.");
        string? indexOrPath = null;
        if (c.Has("index_or_path"))
        {
            var node = c.Json["index_or_path"]!;
            indexOrPath = node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? c.Int("index_or_path", 0).ToString() : c.String("index_or_path");
        }
        var config = new CameraConfig
        {
            Type = type,
            IndexOrPath = indexOrPath,
            Width = c.OptionalInt("width"), Height = c.OptionalInt("height"), Fps = c.OptionalInt("fps"),
            Fourcc = c.String("fourcc"),
            ColorMode = c.String("color_mode", "rgb")!,
            Rotation = c.Int("rotation", 0),
            WarmupS = c.Double("warmup_s", 1),
        };
        c.Ignore("backend", "frames are captured through ffmpeg (V4L2 on Linux), not an OpenCV backend.");
        c.Ignore("serial_number_or_name", "RealSense cameras are not supported here; use an opencv camera.");
        c.Ignore("use_depth", "depth frames are not supported.", n => n is JsonValue v && v.TryGetValue<bool>(out var b) && b);
        c.Ignore("use_rgb", "always RGB.", n => n is JsonValue v && v.TryGetValue<bool>(out var b) && !b);
        c.Done();
        if (config.ColorMode is not ("rgb" or "bgr")) throw c.Error("color_mode", $"\"{config.ColorMode}\" must be \"rgb\" or \"bgr\".");
        if (config.Rotation is not (0 or 90 or 180 or -90 or 270)) throw c.Error("rotation", $"{config.Rotation} must be 0, 90, 180 or -90.");
        if (config.Width is <= 0 || config.Height is <= 0 || config.Fps is <= 0) throw c.Error("width", "width, height and fps must be positive.");
        if (config.Fourcc is { } f && f.Length != 4) throw c.Error("fourcc", $"\"{f}\" must be four characters, e.g. \"MJPG\" or \"YUYV\".");
        return config;
    }

    private static EnvTeleopConfig ReadTeleop(ConfigSection s)
    {
        var type = s.RequiredString("type", "gamepad, keyboard_ee, so101_leader, ... or scripted (the simulated operator).");
        if (type == "scripted")
        {
            var options = (JsonObject)s.Json.DeepClone();
            options.Remove("type");
            return new EnvTeleopConfig { Type = type, UseGripper = options["use_gripper"]?.GetValue<bool>() ?? true, ScriptedOptions = options };
        }
        var id = s.String("id", "default")!;
        var calibrationDir = s.String("calibration_dir");
        if (LeaderTypes.Contains(type))
        {
            var leader = new ArmConfig
            {
                Type = type,
                Port = s.RequiredString("port", "the serial port of the leader arm's bus."),
                Id = id, CalibrationDir = calibrationDir,
                UseDegrees = s.Has("use_degrees") ? s.Bool("use_degrees", true) : null,
            };
            s.Ignore("gripper_open", "the leader's gripper reads as its position.");
            s.Done();
            return new EnvTeleopConfig { Type = type, Leader = leader, UseGripper = true };
        }
        if (!EventTeleopTypes.Contains(type))
            throw s.Error("type", $"\"{type}\" is not a teleoperator here; use gamepad, keyboard_ee, keyboard, {string.Join(", ", LeaderTypes)} or scripted.");
        var useGripper = s.Bool("use_gripper", true);
        s.Ignore("hidapi_fallback", "the gamepad is read through the Linux joystick API.");
        s.Ignore("port", "a gamepad or keyboard has no port.");
        s.Done();
        return new EnvTeleopConfig { Type = type, UseGripper = useGripper };
    }

    private static HilSerlProcessorConfig ReadProcessor(ConfigSection p)
    {
        var controlMode = p.String("control_mode", "gamepad")!;
        if (!ControlModes.Contains(controlMode)) throw p.Error("control_mode", $"\"{controlMode}\" must be one of {string.Join(", ", ControlModes)}.");
        var observation = new ObservationConfig();
        if (p.Section("observation") is { } o)
        {
            observation = new ObservationConfig
            {
                AddJointVelocityToObservation = o.Bool("add_joint_velocity_to_observation", false),
                AddCurrentToObservation = o.Bool("add_current_to_observation", false),
                AddEePoseToObservation = o.Bool("add_ee_pose_to_observation", false),
                DisplayCameras = o.Bool("display_cameras", false),
            };
            if (observation.DisplayCameras) p.Source.Warn(o.At("display_cameras"), "no window opens here; `robotactors crop-dataset-roi` writes the cameras' frames as PNG files.");
            o.Done();
        }
        var images = new ImagePreprocessingConfig();
        if (p.Section("image_preprocessing") is { } i)
        {
            var crops = new Dictionary<string, CropBox>();
            foreach (var (key, node, path) in i.Entries("crop_params_dict"))
            {
                var box = i.Child("crop_params_dict", new JsonObject { [key] = node?.DeepClone() }).Doubles(key, 4)!;
                if (box.Any(v => v != Math.Floor(v) || v < 0) || box[2] <= 0 || box[3] <= 0)
                    throw p.Source.Error(path, $"[{string.Join(", ", box)}] must be whole pixels [top, left, height, width] with a positive height and width.");
                crops[key.StartsWith("observation.", StringComparison.Ordinal) ? key : $"observation.images.{key}"] = new CropBox((int)box[0], (int)box[1], (int)box[2], (int)box[3]);
            }
            var size = i.Doubles("resize_size", 2);
            if (size is not null && (size[0] < 1 || size[1] < 1 || size.Any(v => v != Math.Floor(v))))
                throw i.Error("resize_size", $"[{string.Join(", ", size)}] must be two positive whole numbers [height, width].");
            images = new ImagePreprocessingConfig { CropParamsDict = crops, ResizeSize = size is null ? null : ((int)size[0], (int)size[1]) };
            i.Done();
        }
        var gripper = new GripperConfig();
        if (p.Section("gripper") is { } g)
        {
            gripper = new GripperConfig { UseGripper = g.Bool("use_gripper", true), GripperPenalty = g.Double("gripper_penalty", 0) };
            g.Ignore("gripper_penalty_in_reward", "the penalty goes to complementary_info.discrete_penalty, as in LeRobot's processor pipeline.");
            g.Done();
        }
        var reset = new ResetConfig();
        if (p.Section("reset") is { } r)
        {
            reset = new ResetConfig
            {
                FixedResetJointPositions = r.Doubles("fixed_reset_joint_positions"),
                ResetTimeS = r.Double("reset_time_s", 5.0),
                ControlTimeS = r.Double("control_time_s", 20.0),
                TerminateOnSuccess = r.Bool("terminate_on_success", true),
            };
            if (reset.ControlTimeS <= 0) throw r.Error("control_time_s", $"must be positive, got {reset.ControlTimeS}.");
            if (reset.ResetTimeS < 0) throw r.Error("reset_time_s", $"must not be negative, got {reset.ResetTimeS}.");
            r.Done();
        }
        InverseKinematicsConfig? ik = null;
        if (p.Section("inverse_kinematics") is { } k)
        {
            var urdf = k.String("urdf_path");
            var frame = k.String("target_frame_name", "gripper_frame_link")!;
            var bounds = k.Section("end_effector_bounds") is { } b ? Bounds(b) : (Min: new double[] { -1, -1, -1 }, Max: new double[] { 1, 1, 1 });
            var steps = k.Section("end_effector_step_sizes") is { } st ? StepSizes(st) : [0.02, 0.02, 0.02];
            k.Done();
            if (urdf is not null)
                ik = new InverseKinematicsConfig { UrdfPath = urdf, TargetFrameName = frame, BoundsMin = bounds.Min, BoundsMax = bounds.Max, StepSizes = steps };
        }
        RewardClassifierEnvConfig? classifier = null;
        if (p.Section("reward_classifier") is { } c)
        {
            classifier = new RewardClassifierEnvConfig
            {
                PretrainedPath = c.String("pretrained_path"),
                SuccessThreshold = c.Double("success_threshold", 0.5),
                SuccessReward = c.Double("success_reward", 1.0),
            };
            if (classifier.SuccessThreshold is < 0 or > 1) throw c.Error("success_threshold", $"must be between 0 and 1, got {classifier.SuccessThreshold}.");
            c.Done();
        }
        var maxGripper = p.Double("max_gripper_pos", 100);
        if (maxGripper <= 0) throw p.Error("max_gripper_pos", $"must be positive, got {maxGripper}.");
        p.Done();
        return new HilSerlProcessorConfig
        {
            ControlMode = controlMode, Observation = observation, ImagePreprocessing = images, Gripper = gripper, Reset = reset,
            InverseKinematics = ik, RewardClassifier = classifier?.PretrainedPath is null ? null : classifier, MaxGripperPos = maxGripper,
        };
    }

    private static (double[] Min, double[] Max) Bounds(ConfigSection b)
    {
        var min = b.Doubles("min", 3) ?? throw b.Error("min", "is required: [x, y, z] in metres.");
        var max = b.Doubles("max", 3) ?? throw b.Error("max", "is required: [x, y, z] in metres.");
        b.Done();
        for (var i = 0; i < 3; i++)
            if (min[i] > max[i]) throw b.Error("max", $"[{string.Join(", ", max)}] is below min [{string.Join(", ", min)}] on {"xyz"[i]}.");
        return (min, max);
    }

    private static double[] StepSizes(ConfigSection s)
    {
        double[] steps = [s.Double("x", 0.02), s.Double("y", 0.02), s.Double("z", 0.02)];
        s.Done();
        if (steps.Any(v => v <= 0)) throw s.Error("x", $"step sizes [{string.Join(", ", steps)}] must be positive.");
        return steps;
    }

    private static GymDatasetConfig ReadDataset(ConfigSection d)
    {
        var config = new GymDatasetConfig
        {
            RepoId = d.RequiredString("repo_id", "a name such as \"user/pick_lift_cube\"."),
            Task = d.String("task"),
            Root = d.String("root"),
            NumEpisodesToRecord = d.Int("num_episodes_to_record", 5),
            ReplayEpisode = d.OptionalInt("replay_episode"),
            PushToHub = d.Bool("push_to_hub", false),
        };
        if (config.PushToHub) d.Source.Warn(d.At("push_to_hub"), "there is no Hub access here; the dataset stays in dataset.root.");
        if (config.NumEpisodesToRecord < 1) throw d.Error("num_episodes_to_record", $"must be at least 1, got {config.NumEpisodesToRecord}.");
        d.Done();
        return config;
    }
}
