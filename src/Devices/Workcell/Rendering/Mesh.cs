using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Workcell.Geometry;

namespace RobotActors.Devices.Workcell.Rendering;

/// <summary>A flat-shaded triangle mesh in its own frame: vertices, and triangles with their outward normals.</summary>
public sealed class Mesh
{
    public Mesh(Vec3[] vertices, (int A, int B, int C)[] triangles)
    {
        Vertices = vertices;
        Triangles = triangles;
        Normals = triangles.Select(t => (vertices[t.B] - vertices[t.A]).Cross(vertices[t.C] - vertices[t.A]).Normalized()).ToArray();
    }

    public Vec3[] Vertices { get; }
    /// <summary>Counter-clockwise seen from outside.</summary>
    public (int A, int B, int C)[] Triangles { get; }
    public Vec3[] Normals { get; }

    /// <summary>A box centred on the origin.</summary>
    public static Mesh Box(double sx, double sy, double sz)
    {
        double x = sx / 2, y = sy / 2, z = sz / 2;
        Vec3[] v =
        [
            new(-x, -y, -z), new(x, -y, -z), new(x, y, -z), new(-x, y, -z),
            new(-x, -y, z), new(x, -y, z), new(x, y, z), new(-x, y, z),
        ];
        (int, int, int)[] t =
        [
            (0, 2, 1), (0, 3, 2), // bottom (-z)
            (4, 5, 6), (4, 6, 7), // top (+z)
            (0, 1, 5), (0, 5, 4), // -y
            (2, 3, 7), (2, 7, 6), // +y
            (1, 2, 6), (1, 6, 5), // +x
            (3, 0, 4), (3, 4, 7), // -x
        ];
        return new Mesh(v, t);
    }

    /// <summary>A cylinder along z, centred on the origin, with <paramref name="segments"/> sides.</summary>
    public static Mesh Cylinder(double radius, double length, int segments = 12)
    {
        var v = new List<Vec3>();
        var t = new List<(int, int, int)>();
        var h = length / 2;
        for (var i = 0; i < segments; i++)
        {
            var a = 2 * Math.PI * i / segments;
            v.Add(new Vec3(radius * Math.Cos(a), radius * Math.Sin(a), -h));
            v.Add(new Vec3(radius * Math.Cos(a), radius * Math.Sin(a), h));
        }
        var bottom = v.Count;
        v.Add(new Vec3(0, 0, -h));
        var top = v.Count;
        v.Add(new Vec3(0, 0, h));
        for (var i = 0; i < segments; i++)
        {
            int j = (i + 1) % segments, b0 = 2 * i, t0 = 2 * i + 1, b1 = 2 * j, t1 = 2 * j + 1;
            t.Add((b0, b1, t1));
            t.Add((b0, t1, t0));
            t.Add((bottom, b1, b0));
            t.Add((top, t0, t1));
        }
        return new Mesh(v.ToArray(), t.ToArray());
    }

    /// <summary>A flat square (two triangles facing +z) centred on the origin.</summary>
    public static Mesh Quad(double sx, double sy)
    {
        double x = sx / 2, y = sy / 2;
        return new Mesh([new(-x, -y, 0), new(x, -y, 0), new(x, y, 0), new(-x, y, 0)], [(0, 1, 2), (0, 2, 3)]);
    }

    public static Mesh? FromShape(UrdfShape shape) => shape.Kind switch
    {
        ShapeKind.Box => Box(shape.Size[0], shape.Size[1], shape.Size[2]),
        ShapeKind.Cylinder => Cylinder(shape.Size[0], shape.Size[1]),
        ShapeKind.Sphere => Cylinder(shape.Size[0], shape.Size[0] * 2), // drawn as a short cylinder: enough for a marker
        _ => null,
    };
}
