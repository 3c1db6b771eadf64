using RobotActors.Datasets.Images;
using RobotActors.Devices.Robots;

namespace RobotActors.Rl.Env.Config;

/// <summary>
/// LeRobot's GymManipulatorConfig, the file `python -m lerobot.rl.gym_manipulator --config_path` reads:
/// {"env": {...}, "dataset": {...}, "mode": "record" | "replay" | null, "device": ...}.
/// </summary>
public sealed record GymManipulatorConfig
{
    public required HilSerlRobotEnvConfig Env { get; init; }
    public GymDatasetConfig? Dataset { get; init; }
    /// <summary>"record", "replay" or null (a teleoperation / test loop).</summary>
    public string? Mode { get; init; }
    public string Device { get; init; } = "cpu";
    public required string Source { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>LeRobot's HILSerlRobotEnvConfig (env.type = "gym_manipulator").</summary>
public sealed record HilSerlRobotEnvConfig
{
    public string Name { get; init; } = "real_robot";
    /// <summary>On a simulated robot: the workcell task (reach_cube, push_cube, pick_lift_cube).</summary>
    public string? Task { get; init; }
    public int Fps { get; init; } = 10;
    public EnvRobotConfig? Robot { get; init; }
    public EnvTeleopConfig? Teleop { get; init; }
    public HilSerlProcessorConfig Processor { get; init; } = new();

    public double Dt => 1.0 / Fps;
    public int MaxEpisodeSteps => Math.Max(1, (int)Math.Round(Processor.Reset.ControlTimeS * Fps));
}

/// <summary>env.robot: an arm (LeRobot's robot config fields) and its cameras. Port "sim" selects the simulated workcell.</summary>
public sealed record EnvRobotConfig
{
    public const string SimPort = "sim";
    public required ArmConfig Arm { get; init; }
    public IReadOnlyDictionary<string, CameraConfig> Cameras { get; init; } = new Dictionary<string, CameraConfig>();
    public bool IsSim => Arm.Port == SimPort;
}

/// <summary>A camera config (LeRobot's OpenCVCameraConfig fields; any type is rendered from the workcell on a simulated robot).</summary>
public sealed record CameraConfig
{
    public required string Type { get; init; }
    /// <summary>opencv: a device index ("0") or path ("/dev/video0", a video file).</summary>
    public string? IndexOrPath { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public int? Fps { get; init; }
    /// <summary>"MJPG" or "YUYV" (null: the device's default).</summary>
    public string? Fourcc { get; init; }
    public string ColorMode { get; init; } = "rgb";
    public int Rotation { get; init; }
    public double WarmupS { get; init; } = 1;
}

/// <summary>env.teleop: its type and options; a leader arm also has an arm config. "scripted" is the simulated operator.</summary>
public sealed record EnvTeleopConfig
{
    public required string Type { get; init; }
    public bool UseGripper { get; init; } = true;
    public ArmConfig? Leader { get; init; }
    /// <summary>Options of the scripted operator (its own keys, checked by the workcell).</summary>
    public System.Text.Json.Nodes.JsonObject? ScriptedOptions { get; init; }
    public bool IsLeaderArm => Leader is not null;
}

/// <summary>LeRobot's HILSerlProcessorConfig (env.processor).</summary>
public sealed record HilSerlProcessorConfig
{
    public string ControlMode { get; init; } = "gamepad";
    public ObservationConfig Observation { get; init; } = new();
    public ImagePreprocessingConfig ImagePreprocessing { get; init; } = new();
    public GripperConfig Gripper { get; init; } = new();
    public ResetConfig Reset { get; init; } = new();
    public InverseKinematicsConfig? InverseKinematics { get; init; }
    public RewardClassifierEnvConfig? RewardClassifier { get; init; }
    public double MaxGripperPos { get; init; } = 100;
}

public sealed record ObservationConfig
{
    public bool AddJointVelocityToObservation { get; init; }
    public bool AddCurrentToObservation { get; init; }
    public bool AddEePoseToObservation { get; init; }
    public bool DisplayCameras { get; init; }
}

public sealed record ImagePreprocessingConfig
{
    /// <summary>"observation.images.front" → (top, left, height, width).</summary>
    public IReadOnlyDictionary<string, CropBox> CropParamsDict { get; init; } = new Dictionary<string, CropBox>();
    public (int Height, int Width)? ResizeSize { get; init; }
}

public sealed record GripperConfig
{
    public bool UseGripper { get; init; } = true;
    public double GripperPenalty { get; init; }
}

public sealed record ResetConfig
{
    /// <summary>Joint positions in the arm's units (degrees; gripper 0..100), in motor order.</summary>
    public double[]? FixedResetJointPositions { get; init; }
    public double ResetTimeS { get; init; } = 5.0;
    public double ControlTimeS { get; init; } = 20.0;
    public bool TerminateOnSuccess { get; init; } = true;
}

public sealed record InverseKinematicsConfig
{
    public required string UrdfPath { get; init; }
    public string TargetFrameName { get; init; } = "gripper_frame_link";
    public double[] BoundsMin { get; init; } = [-1, -1, -1];
    public double[] BoundsMax { get; init; } = [1, 1, 1];
    /// <summary>x, y, z metres per unit of action.</summary>
    public double[] StepSizes { get; init; } = [0.02, 0.02, 0.02];
}

public sealed record RewardClassifierEnvConfig
{
    public string? PretrainedPath { get; init; }
    public double SuccessThreshold { get; init; } = 0.5;
    public double SuccessReward { get; init; } = 1.0;
}

/// <summary>LeRobot's gym_manipulator DatasetConfig.</summary>
public sealed record GymDatasetConfig
{
    public required string RepoId { get; init; }
    public string? Task { get; init; }
    public string? Root { get; init; }
    public int NumEpisodesToRecord { get; init; } = 5;
    public int? ReplayEpisode { get; init; }
    public bool PushToHub { get; init; }
}
