using RobotActors.Devices.Workcell.Geometry;

namespace RobotActors.Devices.Workcell.Physics;

/// <summary>
/// The cube: a rigid box that stays upright (it turns about the vertical only, so it never tips over)
/// — position of its centre, yaw, and their velocities. Contacts are resolved by position-based
/// dynamics: each step predicts the motion under gravity, projects the cube out of the table and of
/// every arm sphere it overlaps (moving and turning it by the contact's lever arm), then takes the
/// velocity from the change of position and applies Coulomb friction from the table's normal impulse.
/// A cube resting on the table is therefore exactly at rest: no sinking, no drift.
/// </summary>
public sealed class CubeBody(double size, double mass)
{
    public double Size { get; } = size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size), "The cube needs a positive size.");
    public double Mass { get; } = mass > 0 ? mass : throw new ArgumentOutOfRangeException(nameof(mass), "The cube needs a positive mass.");
    public double Half => Size / 2;
    /// <summary>Moment of inertia about the vertical axis (kg·m²).</summary>
    public double InertiaZ => Mass * Size * Size / 6;

    public Vec3 Position { get; set; }
    public double Yaw { get; set; }
    public Vec3 Velocity { get; set; }
    public double YawRate { get; set; }

    public Mat3 Rotation => Mat3.RotZ(Yaw);

    /// <summary>
    /// Signed contact of a sphere with the cube at its predicted pose: distance from the cube's surface
    /// to the sphere's surface (negative = overlap), the normal from the cube toward the sphere, and the
    /// contact point on the cube.
    /// </summary>
    public static (double Gap, Vec3 Normal, Vec3 Point) Contact(Vec3 cubeCenter, double yaw, double half, Vec3 sphere, double radius) =>
        Contact(cubeCenter, Math.Cos(yaw), Math.Sin(yaw), half, sphere, radius);

    /// <summary>As above, with the yaw's cosine and sine already computed (the inner loops ask many spheres about one pose).</summary>
    public static (double Gap, Vec3 Normal, Vec3 Point) Contact(Vec3 cubeCenter, double c, double s, double half, Vec3 sphere, double radius)
    {
        var d = sphere - cubeCenter;
        // Into the cube's frame (a turn about z).
        double lx = c * d.X + s * d.Y, ly = -s * d.X + c * d.Y, lz = d.Z;
        double qx = Math.Clamp(lx, -half, half), qy = Math.Clamp(ly, -half, half), qz = Math.Clamp(lz, -half, half);
        double ex = lx - qx, ey = ly - qy, ez = lz - qz;
        var dist = Math.Sqrt(ex * ex + ey * ey + ez * ez);
        double nx, ny, nz, gap;
        if (dist > 1e-9)
        {
            nx = ex / dist; ny = ey / dist; nz = ez / dist;
            gap = dist - radius;
        }
        else
        {
            // The sphere's centre is inside: leave by the nearest face.
            double px = half - Math.Abs(lx), py = half - Math.Abs(ly), pz = half - Math.Abs(lz);
            if (px <= py && px <= pz) { nx = Math.Sign(lx) is var sx && sx != 0 ? sx : 1; ny = 0; nz = 0; qx = nx * half; gap = -(px + radius); }
            else if (py <= pz) { nx = 0; ny = Math.Sign(ly) is var sy && sy != 0 ? sy : 1; nz = 0; qy = ny * half; gap = -(py + radius); }
            else { nx = 0; ny = 0; nz = Math.Sign(lz) is var sz && sz != 0 ? sz : 1; qz = nz * half; gap = -(pz + radius); }
        }
        var normal = new Vec3(c * nx - s * ny, s * nx + c * ny, nz);
        var point = cubeCenter + new Vec3(c * qx - s * qy, s * qx + c * qy, qz);
        return (gap, normal, point);
    }
}
