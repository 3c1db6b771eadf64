using System.Globalization;
using System.Xml.Linq;

namespace RobotActors.Devices.Kinematics;

public enum JointType { Revolute, Continuous, Prismatic, Fixed }

/// <summary>One URDF joint: parent → child link through a fixed origin, then motion about/along its axis.</summary>
public sealed record UrdfJoint(string Name, JointType Type, string Parent, string Child, Transform Origin, double[] Axis, double Lower, double Upper)
{
    public bool Moves => Type != JointType.Fixed;

    /// <summary>The transform across this joint at position q (radians or metres).</summary>
    public Transform At(double q) => Type switch
    {
        JointType.Revolute or JointType.Continuous => Origin * Transform.Rotation(Axis, q),
        JointType.Prismatic => Origin * Transform.Translation(Axis[0] * q, Axis[1] * q, Axis[2] * q),
        _ => Origin,
    };
}

public enum ShapeKind { Box, Cylinder, Sphere }

/// <summary>
/// A URDF visual or collision shape in its link's frame: a box (size x y z), a cylinder along its
/// local z (radius, length) or a sphere (radius); colour (RGBA 0..1) for visuals that have a material.
/// </summary>
public sealed record UrdfShape(ShapeKind Kind, double[] Size, Transform Origin, double[]? Rgba);

/// <summary>A URDF link's mass (kg), centre of mass (in the link frame) and shapes.</summary>
public sealed record UrdfLink(string Name, double Mass, double[] CenterOfMass, IReadOnlyList<UrdfShape> Visuals, IReadOnlyList<UrdfShape> Collisions);

/// <summary>
/// The kinematic tree of a URDF file: links and joints, and per link its mass, centre of mass and
/// simple visual/collision shapes (box, cylinder, sphere; meshes are skipped) for the simulator.
/// </summary>
public sealed class UrdfModel
{
    public string Name { get; }
    public IReadOnlyDictionary<string, UrdfJoint> JointsByChild { get; }
    public IReadOnlyList<UrdfJoint> Joints { get; }
    public IReadOnlySet<string> Links { get; }
    /// <summary>Inertial and geometry of every link, by name.</summary>
    public IReadOnlyDictionary<string, UrdfLink> LinkDetails { get; }

    private UrdfModel(string name, List<UrdfJoint> joints, HashSet<string> links, Dictionary<string, UrdfLink> details)
    {
        Name = name;
        Joints = joints;
        Links = links;
        LinkDetails = details;
        JointsByChild = joints.ToDictionary(j => j.Child);
    }

    /// <summary>
    /// Loads a URDF. A relative path that does not exist from the working directory is also tried
    /// next to the executable, where the shipped models/ folder is, so urdf_path = "models/so101.urdf" works from anywhere.
    /// </summary>
    public static UrdfModel Load(string path)
    {
        if (!File.Exists(path) && !Path.IsPathRooted(path) && File.Exists(Path.Combine(AppContext.BaseDirectory, path)))
            path = Path.Combine(AppContext.BaseDirectory, path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"URDF file '{path}' does not exist. The SO-101 and SO-100 models ship as models/so101.urdf and models/so100.urdf.", path);
        try
        {
            return Parse(XDocument.Load(path));
        }
        catch (System.Xml.XmlException e)
        {
            throw new InvalidDataException($"'{path}' is not valid URDF XML: {e.Message}", e);
        }
    }

    public static UrdfModel Parse(XDocument doc)
    {
        var robot = doc.Root is { Name.LocalName: "robot" } r ? r : throw new InvalidDataException("URDF root element must be <robot>.");
        var links = robot.Elements("link").Select(l => (string?)l.Attribute("name") ?? throw new InvalidDataException("A <link> has no name.")).ToHashSet();
        var materials = robot.Elements("material").Where(m => m.Attribute("name") is not null)
            .ToDictionary(m => (string)m.Attribute("name")!, m => Color(m, null));
        var details = robot.Elements("link").ToDictionary(l => (string)l.Attribute("name")!, l => ParseLink(l, materials));
        var joints = new List<UrdfJoint>();
        foreach (var j in robot.Elements("joint"))
        {
            var name = (string?)j.Attribute("name") ?? throw new InvalidDataException("A <joint> has no name.");
            var type = ((string?)j.Attribute("type")) switch
            {
                "revolute" => JointType.Revolute,
                "continuous" => JointType.Continuous,
                "prismatic" => JointType.Prismatic,
                "fixed" => JointType.Fixed,
                var t => throw new InvalidDataException($"Joint '{name}' has type '{t}'; supported: revolute, continuous, prismatic, fixed."),
            };
            var parent = (string?)j.Element("parent")?.Attribute("link") ?? throw new InvalidDataException($"Joint '{name}' has no <parent link>.");
            var child = (string?)j.Element("child")?.Attribute("link") ?? throw new InvalidDataException($"Joint '{name}' has no <child link>.");
            var origin = j.Element("origin");
            var xyz = Vector((string?)origin?.Attribute("xyz"), [0, 0, 0], name);
            var rpy = Vector((string?)origin?.Attribute("rpy"), [0, 0, 0], name);
            var axis = Vector((string?)j.Element("axis")?.Attribute("xyz"), [1, 0, 0], name);
            var norm = Math.Sqrt(axis.Sum(a => a * a));
            if (type != JointType.Fixed && norm < 1e-12) throw new InvalidDataException($"Joint '{name}' has a zero axis.");
            if (norm > 0) axis = axis.Select(a => a / norm).ToArray();
            var limit = j.Element("limit");
            var lower = type == JointType.Continuous ? double.NegativeInfinity : Number((string?)limit?.Attribute("lower"), double.NegativeInfinity);
            var upper = type == JointType.Continuous ? double.PositiveInfinity : Number((string?)limit?.Attribute("upper"), double.PositiveInfinity);
            joints.Add(new UrdfJoint(name, type, parent, child, Transform.FromXyzRpy(xyz, rpy), axis, lower, upper));
        }
        foreach (var j in joints)
            if (!links.Contains(j.Parent) || !links.Contains(j.Child))
                throw new InvalidDataException($"Joint '{j.Name}' connects unknown links ({j.Parent} → {j.Child}).");
        return new UrdfModel((string?)robot.Attribute("name") ?? "robot", joints, links, details);
    }

    /// <summary>The joints from the root to <paramref name="frame"/>, in order.</summary>
    public List<UrdfJoint> ChainTo(string frame)
    {
        if (!Links.Contains(frame))
            throw new ArgumentException($"The URDF has no link '{frame}'. Links: {string.Join(", ", Links)}.");
        var chain = new List<UrdfJoint>();
        var link = frame;
        while (JointsByChild.TryGetValue(link, out var joint))
        {
            chain.Add(joint);
            link = joint.Parent;
            if (chain.Count > Joints.Count) throw new InvalidDataException("The URDF joint graph has a cycle.");
        }
        chain.Reverse();
        return chain;
    }

    private static UrdfLink ParseLink(XElement link, IReadOnlyDictionary<string, double[]?> materials)
    {
        var name = (string)link.Attribute("name")!;
        var inertial = link.Element("inertial");
        var mass = Number((string?)inertial?.Element("mass")?.Attribute("value"), 0);
        var com = Vector((string?)inertial?.Element("origin")?.Attribute("xyz"), [0, 0, 0], name);
        List<UrdfShape> Shapes(string element) => link.Elements(element)
            .Select(e => ParseShape(e, name, element == "visual" ? materials : null))
            .OfType<UrdfShape>().ToList();
        return new UrdfLink(name, mass, com, Shapes("visual"), Shapes("collision"));
    }

    private static UrdfShape? ParseShape(XElement element, string link, IReadOnlyDictionary<string, double[]?>? materials)
    {
        var origin = element.Element("origin");
        var pose = Transform.FromXyzRpy(Vector((string?)origin?.Attribute("xyz"), [0, 0, 0], link), Vector((string?)origin?.Attribute("rpy"), [0, 0, 0], link));
        var geometry = element.Element("geometry")?.Elements().FirstOrDefault();
        double[]? rgba = null;
        if (materials is not null && element.Element("material") is { } material)
            rgba = Color(material, null) ?? ((string?)material.Attribute("name") is { } m && materials.TryGetValue(m, out var named) ? named : null);
        double Attr(XElement g, string a) => Number((string?)g.Attribute(a), double.NaN) is var v && double.IsFinite(v) && v >= 0
            ? v : throw new InvalidDataException($"Link '{link}': <{g.Name.LocalName}> needs a non-negative {a}.");
        return geometry?.Name.LocalName switch
        {
            "box" => new UrdfShape(ShapeKind.Box, Vector((string?)geometry.Attribute("size"), [0, 0, 0], link), pose, rgba),
            "cylinder" => new UrdfShape(ShapeKind.Cylinder, [Attr(geometry, "radius"), Attr(geometry, "length")], pose, rgba),
            "sphere" => new UrdfShape(ShapeKind.Sphere, [Attr(geometry, "radius")], pose, rgba),
            _ => null, // meshes: not drawn or collided by the simulator
        };
    }

    private static double[]? Color(XElement material, double[]? fallback)
    {
        var text = (string?)material.Element("color")?.Attribute("rgba");
        if (text is null) return fallback;
        var parts = text.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 4 ? parts.Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray() : fallback;
    }

    private static double[] Vector(string? text, double[] fallback, string joint)
    {
        if (text is null) return fallback;
        var parts = text.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3) throw new InvalidDataException($"Joint '{joint}': '{text}' is not three numbers.");
        return parts.Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
    }

    private static double Number(string? text, double fallback) =>
        text is null ? fallback : double.Parse(text, CultureInfo.InvariantCulture);
}
