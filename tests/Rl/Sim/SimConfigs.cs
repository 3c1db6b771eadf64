using RobotActors.Devices.Robots;
using RobotActors.Devices.Workcell;
using RobotActors.Rl.Env.Config;

namespace RobotActors.Rl.Tests.Sim;

/// <summary>Small simulated gym_manipulator envs for tests: an SO-101 on the workcell, two cameras, the scripted operator.</summary>
public static class SimConfigs
{
    public static HilSerlRobotEnvConfig PickLift(int cameraSize = 64, double controlTimeS = 5, bool terminateOnSuccess = true,
        string? rewardClassifier = null, string task = "pick_lift_cube") => new()
    {
        Fps = 10,
        Task = task,
        Robot = new EnvRobotConfig
        {
            Arm = new ArmConfig { Type = "so101_follower", Port = EnvRobotConfig.SimPort },
            Cameras = new Dictionary<string, CameraConfig>
            {
                ["front"] = new() { Type = "opencv", Width = cameraSize, Height = cameraSize },
                ["wrist"] = new() { Type = "opencv", Width = cameraSize, Height = cameraSize },
            },
        },
        Teleop = new EnvTeleopConfig { Type = "scripted" },
        Processor = new HilSerlProcessorConfig
        {
            InverseKinematics = new InverseKinematicsConfig
            {
                UrdfPath = ArmModels.UrdfPath("so101_follower"), BoundsMin = [0.10, -0.20, 0.005], BoundsMax = [0.34, 0.20, 0.12],
            },
            Reset = new ResetConfig { ControlTimeS = controlTimeS, TerminateOnSuccess = terminateOnSuccess },
            RewardClassifier = rewardClassifier is null ? null : new RewardClassifierEnvConfig { PretrainedPath = rewardClassifier },
        },
    };
}
