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

/// <summary>The kinematic tree of a URDF file: links and joints (visuals, inertias and collisions are not needed).</summary>
public sealed class UrdfModel
{
    public string Name { get; }
    public IReadOnlyDictionary<string, UrdfJoint> JointsByChild { get; }
    public IReadOnlyList<UrdfJoint> Joints { get; }
    public IReadOnlySet<string> Links { get; }

    private UrdfModel(string name, List<UrdfJoint> joints, HashSet<string> links)
    {
        Name = name;
        Joints = joints;
        Links = links;
        JointsByChild = joints.ToDictionary(j => j.Child);
    }

    public static UrdfModel Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"URDF file '{path}' does not exist. For the SO-101 LeRobot recommends SO-ARM100/Simulation/SO101/so101_new_calib.urdf.", path);
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
        return new UrdfModel((string?)robot.Attribute("name") ?? "robot", joints, links);
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
