namespace RobotActors.Devices.Kinematics;

/// <summary>A rigid transform: 3×3 rotation (row-major) and translation. Small, allocation-light math for kinematics.</summary>
public readonly record struct Transform(double[] R, double[] P)
{
    public static Transform Identity => new([1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0]);

    public static Transform Translation(double x, double y, double z) => new([1, 0, 0, 0, 1, 0, 0, 0, 1], [x, y, z]);

    /// <summary>URDF origin: rotation from roll-pitch-yaw (fixed axes X, then Y, then Z: R = Rz(yaw)·Ry(pitch)·Rx(roll)).</summary>
    public static Transform FromXyzRpy(double[] xyz, double[] rpy)
    {
        double cr = Math.Cos(rpy[0]), sr = Math.Sin(rpy[0]), cp = Math.Cos(rpy[1]), sp = Math.Sin(rpy[1]), cy = Math.Cos(rpy[2]), sy = Math.Sin(rpy[2]);
        return new([
            cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr,
            sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr,
            -sp, cp * sr, cp * cr,
        ], [xyz[0], xyz[1], xyz[2]]);
    }

    /// <summary>Rotation by <paramref name="angle"/> radians about a unit axis (Rodrigues).</summary>
    public static Transform Rotation(double[] axis, double angle)
    {
        double x = axis[0], y = axis[1], z = axis[2], c = Math.Cos(angle), s = Math.Sin(angle), t = 1 - c;
        return new([
            t * x * x + c, t * x * y - s * z, t * x * z + s * y,
            t * x * y + s * z, t * y * y + c, t * y * z - s * x,
            t * x * z - s * y, t * y * z + s * x, t * z * z + c,
        ], [0, 0, 0]);
    }

    public static Transform operator *(Transform a, Transform b)
    {
        var r = new double[9];
        var p = new double[3];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
                r[3 * i + j] = a.R[3 * i] * b.R[j] + a.R[3 * i + 1] * b.R[3 + j] + a.R[3 * i + 2] * b.R[6 + j];
            p[i] = a.R[3 * i] * b.P[0] + a.R[3 * i + 1] * b.P[1] + a.R[3 * i + 2] * b.P[2] + a.P[i];
        }
        return new(r, p);
    }

    public double[] Rotate(double[] v) =>
        [R[0] * v[0] + R[1] * v[1] + R[2] * v[2], R[3] * v[0] + R[4] * v[1] + R[5] * v[2], R[6] * v[0] + R[7] * v[1] + R[8] * v[2]];

    /// <summary>The homogeneous 4×4 matrix, row-major (what LeRobot's forward_kinematics returns).</summary>
    public double[,] ToMatrix() => new[,]
    {
        { R[0], R[1], R[2], P[0] }, { R[3], R[4], R[5], P[1] }, { R[6], R[7], R[8], P[2] }, { 0, 0, 0, 1 },
    };

    /// <summary>Rotation vector (axis × angle) taking this rotation to <paramref name="target"/>, in the world frame.</summary>
    public double[] OrientationErrorTo(Transform target)
    {
        // Re = Rt · Rᵀ; its axis-angle is the error.
        var e = new double[9];
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
                e[3 * i + j] = target.R[3 * i] * R[3 * j] + target.R[3 * i + 1] * R[3 * j + 1] + target.R[3 * i + 2] * R[3 * j + 2];
        var cos = Math.Clamp((e[0] + e[4] + e[8] - 1) / 2, -1, 1);
        var angle = Math.Acos(cos);
        double[] v = [e[7] - e[5], e[2] - e[6], e[3] - e[1]];
        var sin = Math.Sin(angle);
        if (angle < 1e-9) return [0, 0, 0];
        if (sin < 1e-6)
        {
            // Half a turn: the axis comes from the diagonal of Re = 2aaᵀ - I.
            double[] a = [Math.Sqrt(Math.Max(0, (e[0] + 1) / 2)), Math.Sqrt(Math.Max(0, (e[4] + 1) / 2)), Math.Sqrt(Math.Max(0, (e[8] + 1) / 2))];
            if (e[1] + e[3] < 0) a[1] = -a[1];
            if (e[2] + e[6] < 0) a[2] = -a[2];
            return [a[0] * angle, a[1] * angle, a[2] * angle];
        }
        var k = angle / (2 * sin);
        return [v[0] * k, v[1] * k, v[2] * k];
    }
}
