using RobotActors.Devices.Kinematics;

namespace RobotActors.Devices.Workcell;

/// <summary>
/// The arm models shipped with every build (models/*.urdf next to the executable): one way to find
/// the URDF of an arm type. "so101", "so101_follower", "so101_leader" → models/so101.urdf; the same for so100.
/// </summary>
public static class ArmModels
{
    public const string Folder = "models";

    /// <summary>The model names shipped: so101 and so100.</summary>
    public static readonly IReadOnlyList<string> Names = ["so101", "so100"];

    /// <summary>so101 or so100 for any SO arm type name; an error naming the known ones otherwise.</summary>
    public static string ModelName(string armType)
    {
        var t = armType.Trim().ToLowerInvariant();
        foreach (var name in Names)
            if (t == name || t.StartsWith(name + "_", StringComparison.Ordinal)) return name;
        throw new ArgumentException($"No shipped model for arm type '{armType}'. Models: {string.Join(", ", Names)} " +
            "(so100_follower, so101_follower and their leaders use them).");
    }

    /// <summary>Absolute path of the shipped URDF of an arm type.</summary>
    public static string UrdfPath(string armType)
    {
        var path = Path.Combine(AppContext.BaseDirectory, Folder, ModelName(armType) + ".urdf");
        return File.Exists(path) ? path : throw new FileNotFoundException(
            $"The shipped model '{path}' is missing: the build copies models/*.urdf next to the executable; rebuild or reinstall.", path);
    }

    /// <summary>The relative path users write in configs (urdf_path = "models/so101.urdf").</summary>
    public static string RelativeUrdfPath(string armType) => Folder + "/" + ModelName(armType) + ".urdf";

    public static UrdfModel Load(string armType) => UrdfModel.Load(UrdfPath(armType));
}
