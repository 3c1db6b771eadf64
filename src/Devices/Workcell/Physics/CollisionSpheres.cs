using RobotActors.Devices.Kinematics;
using RobotActors.Devices.Workcell.Geometry;

namespace RobotActors.Devices.Workcell.Physics;

/// <summary>One collision sphere in its link's frame.</summary>
public readonly record struct LocalSphere(Vec3 Center, double Radius);

/// <summary>
/// Collision shapes as sets of spheres, the simulator's only contact primitive against the cube and
/// the table: a box becomes a grid of spheres on its mid-plane (radius = half its thinnest side), a
/// cylinder a column of spheres along its axis. The surface is bumpy by about a third of a radius
/// between spheres; for jaws 8 mm thick that is about 1 mm.
/// </summary>
public static class CollisionSpheres
{
    /// <summary>Spacing of neighbouring sphere centres, in radii.</summary>
    public const double Spacing = 1.5;

    public static List<LocalSphere> FromShape(UrdfShape shape)
    {
        var origin = Pose.From(shape.Origin);
        var local = shape.Kind switch
        {
            ShapeKind.Box => Box(new Vec3(shape.Size[0], shape.Size[1], shape.Size[2])),
            ShapeKind.Cylinder => Cylinder(shape.Size[0], shape.Size[1]),
            _ => [new LocalSphere(Vec3.Zero, shape.Size[0])],
        };
        return local.Select(s => s with { Center = origin.Apply(s.Center) }).ToList();
    }

    private static List<LocalSphere> Box(Vec3 size)
    {
        // The thinnest side sets the radius; the other two are covered by a grid.
        var thin = size.X <= size.Y && size.X <= size.Z ? 0 : size.Y <= size.Z ? 1 : 2;
        var r = size[thin] / 2;
        int a = (thin + 1) % 3, b = (thin + 2) % 3;
        var spheres = new List<LocalSphere>();
        foreach (var u in Steps(size[a], r))
            foreach (var v in Steps(size[b], r))
            {
                var c = new double[3];
                c[a] = u;
                c[b] = v;
                spheres.Add(new LocalSphere(new Vec3(c[0], c[1], c[2]), r));
            }
        return spheres;
    }

    private static List<LocalSphere> Cylinder(double radius, double length)
    {
        if (length >= 2 * radius)
            return Steps(length, radius).Select(z => new LocalSphere(new Vec3(0, 0, z), radius)).ToList();
        // A short, wide cylinder (a disc): a ring of spheres as thick as it is, and one in the middle.
        var r = length / 2;
        var ring = radius - r;
        var count = Math.Max(6, (int)Math.Ceiling(2 * Math.PI * ring / (Spacing * r)));
        var spheres = Enumerable.Range(0, count)
            .Select(i => new LocalSphere(new Vec3(ring * Math.Cos(2 * Math.PI * i / count), ring * Math.Sin(2 * Math.PI * i / count), 0), r)).ToList();
        spheres.Add(new LocalSphere(Vec3.Zero, Math.Max(r, ring * 0.8)));
        return spheres;
    }

    /// <summary>Centres from -extent/2 + r to extent/2 - r, at most <see cref="Spacing"/>·r apart.</summary>
    private static IEnumerable<double> Steps(double extent, double r)
    {
        var span = extent - 2 * r;
        if (span <= 1e-9) { yield return 0; yield break; }
        var n = (int)Math.Ceiling(span / (Spacing * r));
        for (var i = 0; i <= n; i++) yield return -span / 2 + span * i / n;
    }
}
