using System.Text.Json.Nodes;
using RobotActors.Devices.Kinematics;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's ForwardKinematicsJointsToEEObservation (add_ee_pose_to_observation): appends the end
/// effector's position x, y, z (metres, base frame) from forward kinematics of the measured joints.
/// </summary>
[ProcessorStepName("forward_kinematics_joints_to_ee_observation")]
public sealed class ForwardKinematicsJointsToEEObservation(RobotKinematics kinematics, string? urdfPath = null) : IProcessorStep
{
    public RobotKinematics Kinematics { get; } = kinematics;

    public static ForwardKinematicsJointsToEEObservation FromConfig(JsonObject config)
    {
        var urdf = StepJson.String(config, "urdf_path") ?? throw new ArgumentException("forward_kinematics_joints_to_ee_observation needs urdf_path.");
        return new(KinematicsSetup.Load(urdf, StepJson.String(config, "target_frame_name") ?? "gripper_frame_link", StepJson.Strings(config, "motor_names")), urdf);
    }

    public JsonObject GetConfig() => new()
    {
        ["urdf_path"] = urdfPath, ["target_frame_name"] = Kinematics.TargetFrame, ["motor_names"] = StepJson.Array(Kinematics.JointNames),
    };

    public EnvTransition Process(EnvTransition transition)
    {
        var q = KinematicsSetup.ChainJoints(Kinematics, transition.RawJoints("forward_kinematics_joints_to_ee_observation"), "forward_kinematics_joints_to_ee_observation");
        var p = Kinematics.ForwardKinematics(q).P;
        StateFeature.Append(transition, [(float)p[0], (float)p[1], (float)p[2]]);
        return transition;
    }

    public Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> TransformFeatures(
        Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> features) => StateFeature.Grow(features, _ => 3);
}
