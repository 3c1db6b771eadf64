using RobotActors.Devices.Kinematics;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// The kinematics the end-effector steps share: LeRobot's RobotKinematics(urdf_path, target_frame_name,
/// joint_names) with the motors on the chain to the target frame (the gripper is not on it).
/// </summary>
public static class KinematicsSetup
{
    public static RobotKinematics Load(string urdfPath, string targetFrameName, IReadOnlyList<string> motorNames)
    {
        var model = UrdfModel.Load(urdfPath);
        var chain = model.ChainTo(targetFrameName).Where(j => j.Moves).Select(j => j.Name).ToHashSet();
        return new RobotKinematics(model, targetFrameName, motorNames.Where(chain.Contains).ToList());
    }

    /// <summary>The measured joint angles of the chain, in chain order, from "&lt;motor&gt;.pos" values.</summary>
    public static double[] ChainJoints(RobotKinematics kinematics, IReadOnlyDictionary<string, double> joints, string step)
    {
        var q = new double[kinematics.JointNames.Count];
        for (var i = 0; i < q.Length; i++)
            q[i] = joints.TryGetValue(kinematics.JointNames[i] + ".pos", out var v) ? v
                : throw new InvalidOperationException($"{step}: no measured position for joint '{kinematics.JointNames[i]}' (have {string.Join(", ", joints.Keys)}).");
        return q;
    }
}
