using RobotActors.Devices.Workcell.Geometry;

namespace RobotActors.Devices.Workcell.Rendering;

/// <summary>
/// A small software rasterizer: flat-coloured triangles in camera space (x right, y down, z forward)
/// through a pinhole camera into an RGB byte image (HWC) with a depth buffer. Triangles crossing the
/// near plane are clipped; depth is 1/z interpolated across the screen (exact for a pinhole).
/// </summary>
public sealed class Rasterizer
{
    private readonly float[] _depth;

    public Rasterizer(int width, int height, double verticalFovDegrees, double near = 0.005)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height}: a camera image needs a positive width and height.");
        Width = width;
        Height = height;
        Near = near;
        Fy = height / 2.0 / Math.Tan(verticalFovDegrees * Math.PI / 360);
        Fx = Fy;
        Cx = width / 2.0;
        Cy = height / 2.0;
        _depth = new float[width * height];
    }

    public int Width { get; }
    public int Height { get; }
    public double Fx { get; }
    public double Fy { get; }
    public double Cx { get; }
    public double Cy { get; }
    public double Near { get; }

    /// <summary>Where a camera-space point lands on the image (pixels), or null behind the near plane.</summary>
    public (double X, double Y)? Project(Vec3 p) => p.Z < Near ? null : (Cx + Fx * p.X / p.Z, Cy + Fy * p.Y / p.Z);

    /// <summary>
    /// Starts a frame: every pixel shows the ground plane z = 0 of the world where its ray meets it inside
    /// <paramref name="ground"/> (a checkerboard of <paramref name="cell"/>-metre squares, at that depth),
    /// and a vertical gradient from <paramref name="skyTop"/> to <paramref name="skyBottom"/> elsewhere.
    /// Drawing the table per pixel is far cheaper than as hundreds of small triangles.
    /// </summary>
    public unsafe void Background(byte[] image, Pose camera, (double MinX, double MinY, double MaxX, double MaxY) ground, double cell,
        Rgb light, Rgb dark, Rgb skyTop, Rgb skyBottom)
    {
        var r = camera.R;
        var eye = camera.P;
        var inverseCell = 1 / cell;
        fixed (byte* img = image)
        fixed (float* depth = _depth)
        {
            for (var y = 0; y < Height; y++)
            {
                var t = Height == 1 ? 0 : y / (double)(Height - 1);
                var sky = new Rgb((byte)(skyTop.R + (skyBottom.R - skyTop.R) * t), (byte)(skyTop.G + (skyBottom.G - skyTop.G) * t), (byte)(skyTop.B + (skyBottom.B - skyTop.B) * t));
                var ny = (y + 0.5 - Cy) / Fy;
                // World direction of the pixel ray (camera z = 1): d = R·(nx, ny, 1), linear in nx along the row.
                double baseX = r.M01 * ny + r.M02, baseY = r.M11 * ny + r.M12, baseZ = r.M21 * ny + r.M22;
                var row = y * Width;
                for (var x = 0; x < Width; x++)
                {
                    var nx = (x + 0.5 - Cx) / Fx;
                    var dz = baseZ + r.M20 * nx;
                    var o = 3 * (row + x);
                    var distance = dz < -1e-9 ? -eye.Z / dz : -1; // camera depth of the hit (d has camera z = 1)
                    if (distance > Near)
                    {
                        var px = eye.X + distance * (baseX + r.M00 * nx);
                        var py = eye.Y + distance * (baseY + r.M10 * nx);
                        if (px >= ground.MinX && px <= ground.MaxX && py >= ground.MinY && py <= ground.MaxY)
                        {
                            var even = (((long)Math.Floor(px * inverseCell) + (long)Math.Floor(py * inverseCell)) & 1) == 0;
                            var c = even ? light : dark;
                            img[o] = c.R; img[o + 1] = c.G; img[o + 2] = c.B;
                            depth[row + x] = (float)(1 / distance);
                            continue;
                        }
                    }
                    img[o] = sky.R; img[o + 1] = sky.G; img[o + 2] = sky.B;
                    depth[row + x] = 0;
                }
            }
        }
    }

    /// <summary>Draws one triangle given in camera space.</summary>
    public void Triangle(byte[] image, Vec3 a, Vec3 b, Vec3 c, Rgb color)
    {
        var inA = a.Z >= Near;
        var inB = b.Z >= Near;
        var inC = c.Z >= Near;
        var inside = (inA ? 1 : 0) + (inB ? 1 : 0) + (inC ? 1 : 0);
        if (inside == 0) return;
        if (inside == 3) { Fill(image, a, b, c, color); return; }
        // Rotate so the lone vertex (in or out) comes first.
        if (inside == 1)
        {
            if (inB) (a, b, c) = (b, c, a);
            else if (inC) (a, b, c) = (c, a, b);
            // a in, b and c out: one smaller triangle.
            Fill(image, a, Cut(a, b), Cut(a, c), color);
        }
        else
        {
            if (!inB) (a, b, c) = (b, c, a);
            else if (!inC) (a, b, c) = (c, a, b);
            // a out, b and c in: a quad, two triangles.
            var ab = Cut(b, a);
            var ac = Cut(c, a);
            Fill(image, ab, b, c, color);
            Fill(image, ab, c, ac, color);
        }
    }

    private Vec3 Cut(Vec3 inside, Vec3 outside)
    {
        var t = (inside.Z - Near) / (inside.Z - outside.Z);
        return inside + (outside - inside) * t;
    }

    private void Fill(byte[] image, Vec3 a, Vec3 b, Vec3 c, Rgb color)
    {
        float ax = (float)(Cx + Fx * a.X / a.Z), ay = (float)(Cy + Fy * a.Y / a.Z), aw = (float)(1 / a.Z);
        float bx = (float)(Cx + Fx * b.X / b.Z), by = (float)(Cy + Fy * b.Y / b.Z), bw = (float)(1 / b.Z);
        float cx = (float)(Cx + Fx * c.X / c.Z), cy = (float)(Cy + Fy * c.Y / c.Z), cw = (float)(1 / c.Z);
        var area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
        if (Math.Abs(area) < 1e-9f) return;
        var minX = Math.Max(0, (int)MathF.Floor(MathF.Min(ax, MathF.Min(bx, cx))));
        var maxX = Math.Min(Width - 1, (int)MathF.Ceiling(MathF.Max(ax, MathF.Max(bx, cx))));
        var minY = Math.Max(0, (int)MathF.Floor(MathF.Min(ay, MathF.Min(by, cy))));
        var maxY = Math.Min(Height - 1, (int)MathF.Ceiling(MathF.Max(ay, MathF.Max(by, cy))));
        if (minX > maxX || minY > maxY) return;
        var inv = 1 / area;
        // Edge functions of the pixel centre, stepped along x.
        float e0dx = -(cy - by) * inv, e1dx = -(ay - cy) * inv, e2dx = -(by - ay) * inv;
        byte cr = color.R, cg = color.G, cb = color.B;
        unsafe
        {
            fixed (byte* img = image)
            fixed (float* depthBuffer = _depth)
            {
                for (var y = minY; y <= maxY; y++)
                {
                    var py = y + 0.5f;
                    var px = minX + 0.5f;
                    var w0 = ((cx - bx) * (py - by) - (cy - by) * (px - bx)) * inv;
                    var w1 = ((ax - cx) * (py - cy) - (ay - cy) * (px - cx)) * inv;
                    var w2 = ((bx - ax) * (py - ay) - (by - ay) * (px - ax)) * inv;
                    var row = y * Width;
                    for (var x = minX; x <= maxX; x++, w0 += e0dx, w1 += e1dx, w2 += e2dx)
                    {
                        if (w0 < 0 || w1 < 0 || w2 < 0) continue;
                        var depth = w0 * aw + w1 * bw + w2 * cw;
                        var i = row + x;
                        if (depth <= depthBuffer[i]) continue;
                        depthBuffer[i] = depth;
                        var o = img + 3 * i;
                        o[0] = cr;
                        o[1] = cg;
                        o[2] = cb;
                    }
                }
            }
        }
    }
}

/// <summary>An 8-bit RGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb From(double r, double g, double b) =>
        new((byte)Math.Clamp(Math.Round(r * 255), 0, 255), (byte)Math.Clamp(Math.Round(g * 255), 0, 255), (byte)Math.Clamp(Math.Round(b * 255), 0, 255));

    public Rgb Scale(double s) => From(R / 255.0 * s, G / 255.0 * s, B / 255.0 * s);
}
