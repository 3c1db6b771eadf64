using RobotActors.Devices.Workcell.Geometry;
using RobotActors.Devices.Workcell.Physics;
using RobotActors.Devices.Workcell.Tasks;

namespace RobotActors.Devices.Workcell.Rendering;

/// <summary>What a frame shows: the bodies' poses and the cube's, copied out of the world under its lock.</summary>
public sealed record SceneSnapshot(Pose[] Bodies, Vec3 CubePosition, double CubeYaw);

/// <summary>
/// The workcell drawn with flat Lambert shading: a checkered table (so the wrist camera sees motion
/// over it; drawn per pixel by <see cref="Rasterizer.Background"/>), push_cube's green zone, the red cube with a soft shadow, and the arm's URDF visuals in
/// their colours (the fixed jaw magenta, the moving jaw blue).
/// </summary>
public sealed class WorkcellScene
{
    public static readonly Rgb CubeColor = Rgb.From(0.86, 0.10, 0.10);
    public static readonly Rgb ZoneColor = Rgb.From(0.12, 0.72, 0.22);
    private static readonly Rgb TableLight = Rgb.From(0.80, 0.76, 0.68), TableDark = Rgb.From(0.70, 0.66, 0.58);
    private static readonly Rgb SkyTop = Rgb.From(0.60, 0.66, 0.74), SkyBottom = Rgb.From(0.82, 0.84, 0.86);
    private static readonly Vec3 Light = new Vec3(0.35, 0.25, 1).Normalized();
    private const double Ambient = 0.5, Diffuse = 0.5;
    private const double Cell = 0.05;

    private readonly List<(int Body, Mesh Mesh, Pose Origin, Rgb Color)> _parts = [];
    private readonly List<(Mesh Mesh, Pose Pose, Rgb Color)> _static = [];
    private readonly Mesh _cube;
    private readonly Mesh _shadow;
    private readonly double _cubeSize;
    private readonly (double, double, double, double) _table;
    // Camera-space vertices of the mesh being drawn: one buffer per thread, as cameras grab on their own threads.
    [ThreadStatic] private static Vec3[]? _scratch;

    public WorkcellScene(ArmMechanism arm, WorkcellTask task, PhysicsSettings physics, double cubeSize)
    {
        _cubeSize = cubeSize;
        _cube = Mesh.Box(cubeSize, cubeSize, cubeSize);
        _shadow = Mesh.Quad(cubeSize * 1.25, cubeSize * 1.25);
        _table = (physics.TableMinX, physics.TableMinY, physics.TableMaxX, physics.TableMaxY);
        if (task.ZoneCenter is { } zone)
            _static.Add((Mesh.Quad(task.ZoneSize, task.ZoneSize), new Pose(Mat3.Identity, new Vec3(zone[0], zone[1], 0.0008)), ZoneColor));
        foreach (var visual in arm.Model.LinkDetails[arm.BaseLink].Visuals)
            if (Mesh.FromShape(visual) is { } mesh)
                _static.Add((mesh, Pose.From(visual.Origin), Color(visual.Rgba)));
        for (var b = 0; b < arm.Bodies.Count; b++)
            foreach (var visual in arm.Model.LinkDetails[arm.Bodies[b].Link].Visuals)
                if (Mesh.FromShape(visual) is { } mesh)
                    _parts.Add((b, mesh, Pose.From(visual.Origin), Color(visual.Rgba)));
    }

    private static Rgb Color(double[]? rgba) => rgba is { } c ? Rgb.From(c[0], c[1], c[2]) : Rgb.From(0.8, 0.8, 0.8);

    /// <summary>Draws the scene seen from <paramref name="camera"/> (camera-to-world pose) into <paramref name="image"/> (HWC RGB).</summary>
    public void Render(Rasterizer raster, byte[] image, Pose camera, SceneSnapshot snapshot)
    {
        var view = camera.Inverse();
        raster.Background(image, camera, _table, Cell, TableLight, TableDark, SkyTop, SkyBottom);
        foreach (var (mesh, pose, color) in _static) Draw(raster, image, view, mesh, pose, color);
        var cubePose = new Pose(Mat3.RotZ(snapshot.CubeYaw), snapshot.CubePosition);
        if (snapshot.CubePosition.Z > -0.01)
        {
            // A soft shadow straight below: how high a lifted cube is shows in the image.
            var height = Math.Max(0, snapshot.CubePosition.Z - _cubeSize / 2);
            var shade = 0.55 + Math.Min(0.35, height * 3);
            Draw(raster, image, view, _shadow, new Pose(cubePose.R, snapshot.CubePosition with { Z = 0.0004 }), TableDark.Scale(shade), lit: false);
        }
        Draw(raster, image, view, _cube, cubePose, CubeColor);
        foreach (var (body, mesh, origin, color) in _parts) Draw(raster, image, view, mesh, snapshot.Bodies[body] * origin, color);
    }

    private void Draw(Rasterizer raster, byte[] image, Pose view, Mesh mesh, Pose pose, Rgb color, bool lit = true)
    {
        var toCamera = view * pose;
        var vertices = mesh.Vertices;
        if (_scratch is null || _scratch.Length < vertices.Length) _scratch = new Vec3[Math.Max(64, vertices.Length)];
        var cam = _scratch;
        for (var i = 0; i < vertices.Length; i++) cam[i] = toCamera.Apply(vertices[i]);
        var triangles = mesh.Triangles;
        for (var t = 0; t < triangles.Length; t++)
        {
            var (a, b, c) = triangles[t];
            var normal = toCamera.R * mesh.Normals[t];
            if (normal.Dot(cam[a]) >= 0) continue; // facing away from the camera
            var shade = lit ? Ambient + Diffuse * Math.Max(0, (pose.R * mesh.Normals[t]).Dot(Light)) : 1;
            raster.Triangle(image, cam[a], cam[b], cam[c], shade == 1 ? color : color.Scale(shade));
        }
    }
}
