namespace RobotActors.Devices.Workcell.Geometry;

/// <summary>A 3-vector of doubles, by value: the simulator's inner loops allocate nothing.</summary>
public readonly record struct Vec3(double X, double Y, double Z)
{
    public static readonly Vec3 Zero = new(0, 0, 0);
    public static readonly Vec3 UnitX = new(1, 0, 0);
    public static readonly Vec3 UnitY = new(0, 1, 0);
    public static readonly Vec3 UnitZ = new(0, 0, 1);

    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static Vec3 operator -(Vec3 a) => new(-a.X, -a.Y, -a.Z);
    public static Vec3 operator *(Vec3 a, double s) => new(a.X * s, a.Y * s, a.Z * s);
    public static Vec3 operator *(double s, Vec3 a) => new(a.X * s, a.Y * s, a.Z * s);
    public static Vec3 operator /(Vec3 a, double s) => new(a.X / s, a.Y / s, a.Z / s);

    public double Dot(Vec3 b) => X * b.X + Y * b.Y + Z * b.Z;
    public Vec3 Cross(Vec3 b) => new(Y * b.Z - Z * b.Y, Z * b.X - X * b.Z, X * b.Y - Y * b.X);
    public double Length => Math.Sqrt(X * X + Y * Y + Z * Z);
    public double LengthSquared => X * X + Y * Y + Z * Z;
    public Vec3 Normalized() => Length is var l and > 1e-12 ? this / l : Zero;
    public double this[int i] => i switch { 0 => X, 1 => Y, _ => Z };

    public static Vec3 From(IReadOnlyList<double> v) => new(v[0], v[1], v[2]);
    public double[] ToArray() => [X, Y, Z];
    public override string ToString() => FormattableString.Invariant($"({X:F4}, {Y:F4}, {Z:F4})");
}

/// <summary>A 3×3 rotation matrix, row-major, by value.</summary>
public readonly record struct Mat3(double M00, double M01, double M02, double M10, double M11, double M12, double M20, double M21, double M22)
{
    public static readonly Mat3 Identity = new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    public static Mat3 operator *(Mat3 a, Mat3 b) => new(
        a.M00 * b.M00 + a.M01 * b.M10 + a.M02 * b.M20, a.M00 * b.M01 + a.M01 * b.M11 + a.M02 * b.M21, a.M00 * b.M02 + a.M01 * b.M12 + a.M02 * b.M22,
        a.M10 * b.M00 + a.M11 * b.M10 + a.M12 * b.M20, a.M10 * b.M01 + a.M11 * b.M11 + a.M12 * b.M21, a.M10 * b.M02 + a.M11 * b.M12 + a.M12 * b.M22,
        a.M20 * b.M00 + a.M21 * b.M10 + a.M22 * b.M20, a.M20 * b.M01 + a.M21 * b.M11 + a.M22 * b.M21, a.M20 * b.M02 + a.M21 * b.M12 + a.M22 * b.M22);

    public static Vec3 operator *(Mat3 m, Vec3 v) => new(
        m.M00 * v.X + m.M01 * v.Y + m.M02 * v.Z, m.M10 * v.X + m.M11 * v.Y + m.M12 * v.Z, m.M20 * v.X + m.M21 * v.Y + m.M22 * v.Z);

    public Mat3 Transposed() => new(M00, M10, M20, M01, M11, M21, M02, M12, M22);

    /// <summary>Rᵀ·v: a world vector expressed in this frame.</summary>
    public Vec3 TransposeTimes(Vec3 v) => new(
        M00 * v.X + M10 * v.Y + M20 * v.Z, M01 * v.X + M11 * v.Y + M21 * v.Z, M02 * v.X + M12 * v.Y + M22 * v.Z);

    public Vec3 Column(int c) => c switch { 0 => new(M00, M10, M20), 1 => new(M01, M11, M21), _ => new(M02, M12, M22) };

    /// <summary>Rotation by <paramref name="angle"/> radians about a unit axis (Rodrigues).</summary>
    public static Mat3 AxisAngle(Vec3 axis, double angle)
    {
        double x = axis.X, y = axis.Y, z = axis.Z, c = Math.Cos(angle), s = Math.Sin(angle), t = 1 - c;
        return new(t * x * x + c, t * x * y - s * z, t * x * z + s * y,
            t * x * y + s * z, t * y * y + c, t * y * z - s * x,
            t * x * z - s * y, t * y * z + s * x, t * z * z + c);
    }

    public static Mat3 RotZ(double angle)
    {
        double c = Math.Cos(angle), s = Math.Sin(angle);
        return new(c, -s, 0, s, c, 0, 0, 0, 1);
    }

    public static Mat3 FromRowMajor(IReadOnlyList<double> r) => new(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]);
}

/// <summary>A rigid transform (rotation then translation), by value.</summary>
public readonly record struct Pose(Mat3 R, Vec3 P)
{
    public static readonly Pose Identity = new(Mat3.Identity, Vec3.Zero);

    public static Pose operator *(Pose a, Pose b) => new(a.R * b.R, a.R * b.P + a.P);
    public Vec3 Apply(Vec3 v) => R * v + P;
    public Vec3 ApplyInverse(Vec3 v) => R.TransposeTimes(v - P);
    public Pose Inverse() => new(R.Transposed(), -(R.TransposeTimes(P)));

    public static Pose From(Kinematics.Transform t) => new(Mat3.FromRowMajor(t.R), Vec3.From(t.P));

    /// <summary>A camera-style pose: at <paramref name="eye"/>, its +z looking at <paramref name="target"/>, its -y toward <paramref name="up"/>.</summary>
    public static Pose LookAt(Vec3 eye, Vec3 target, Vec3 up)
    {
        var forward = (target - eye).Normalized();
        var right = forward.Cross(up).Normalized();
        if (right.LengthSquared < 1e-12) right = forward.Cross(Vec3.UnitX).Normalized();
        var down = forward.Cross(right);
        return new(new Mat3(right.X, down.X, forward.X, right.Y, down.Y, forward.Y, right.Z, down.Z, forward.Z), eye);
    }
}
