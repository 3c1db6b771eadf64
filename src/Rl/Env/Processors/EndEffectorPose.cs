using RobotActors.Devices.Kinematics;

namespace RobotActors.Rl.Env.Processors;

/// <summary>The "ee.x/y/z/wx/wy/wz" entries of a robot action: a position in metres and a rotation vector.</summary>
internal static class EndEffectorPose
{
    public static readonly string[] Keys = ["ee.x", "ee.y", "ee.z", "ee.wx", "ee.wy", "ee.wz"];

    public static bool Has(IReadOnlyDictionary<string, double> action) => action.ContainsKey("ee.x");

    public static void Write(Dictionary<string, double> action, Transform pose)
    {
        var w = RotationVector(pose);
        action["ee.x"] = pose.P[0]; action["ee.y"] = pose.P[1]; action["ee.z"] = pose.P[2];
        action["ee.wx"] = w[0]; action["ee.wy"] = w[1]; action["ee.wz"] = w[2];
    }

    public static Transform Read(IReadOnlyDictionary<string, double> action)
    {
        var rotation = FromRotationVector([action["ee.wx"], action["ee.wy"], action["ee.wz"]]);
        return rotation with { P = [action["ee.x"], action["ee.y"], action["ee.z"]] };
    }

    public static double[] RotationVector(Transform pose) => Transform.Identity.OrientationErrorTo(pose);

    public static Transform FromRotationVector(double[] w)
    {
        var angle = Math.Sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
        return angle < 1e-12 ? Transform.Identity : Transform.Rotation([w[0] / angle, w[1] / angle, w[2] / angle], angle);
    }
}
