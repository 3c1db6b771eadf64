using RobotActors.Devices.Workcell.Geometry;

namespace RobotActors.Devices.Workcell.Rendering;

/// <summary>
/// Where a workcell camera looks from: fixed in the world, or mounted on the gripper (the wrist camera).
/// <see cref="Mount"/> is the camera's pose (x right, y down, z forward) in the world or in the gripper link.
/// </summary>
public sealed record CameraViewpoint(string Name, bool OnGripper, Pose Mount, double VerticalFovDegrees)
{
    /// <summary>In front of the arm, looking back and down over the workspace (the cube, the zone and the jaws in view).</summary>
    public static readonly CameraViewpoint Front = new("front", false,
        Pose.LookAt(new Vec3(0.46, 0, 0.28), new Vec3(0.21, 0, 0.02), Vec3.UnitZ), 50);

    /// <summary>Straight above the workspace.</summary>
    public static readonly CameraViewpoint Top = new("top", false,
        Pose.LookAt(new Vec3(0.21, 0, 0.55), new Vec3(0.21, 0, 0), -Vec3.UnitX), 45);

    /// <summary>From the arm's left, level with the table.</summary>
    public static readonly CameraViewpoint Side = new("side", false,
        Pose.LookAt(new Vec3(0.22, 0.42, 0.20), new Vec3(0.21, 0, 0.03), Vec3.UnitZ), 50);

    /// <summary>
    /// On the gripper beside the palm, looking down the fingers: both jaws in view (the moving jaw at the
    /// top of the image), and what lies between and beyond them.
    /// </summary>
    public static readonly CameraViewpoint Wrist = new("wrist", true,
        Pose.LookAt(new Vec3(-0.008, -0.022, -0.042), new Vec3(-0.008, 0, -0.12), Vec3.UnitX), 80);

    public static readonly IReadOnlyList<CameraViewpoint> All = [Front, Top, Side, Wrist];

    /// <summary>
    /// The viewpoint of a configured camera name (every camera of a simulated robot is rendered from the
    /// workcell, whatever its type), by the words of the name (split at anything not a letter, so
    /// "observation.images.wrist_cam" has "wrist"): wrist, hand or gripper → wrist; top, overhead, above or
    /// topdown → top; side, left or right → side; anything else (front, laptop, phone...) → front.
    /// </summary>
    public static CameraViewpoint ForName(string cameraName)
    {
        var words = System.Text.RegularExpressions.Regex.Split(cameraName.ToLowerInvariant(), "[^a-z]+");
        if (words.Any(w => w is "wrist" or "hand" or "gripper")) return Wrist;
        if (words.Any(w => w is "top" or "overhead" or "above" or "topdown")) return Top;
        if (words.Any(w => w is "side" or "left" or "right")) return Side;
        return Front;
    }
}
