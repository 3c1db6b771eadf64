using System.Diagnostics;
using RobotActors.Devices.Cameras;

namespace RobotActors.Devices.Workcell.Rendering;

/// <summary>
/// A camera rendered from a workcell (LeRobot's Camera interface: RGB uint8 HWC frames at the
/// configured width and height). In lockstep every read renders the world as it is now; in real time a
/// grab thread renders at the camera's fps into the latest-frame cache, as a real camera's would.
/// </summary>
public sealed class WorkcellCamera : ICamera
{
    private readonly Workcell _workcell;
    private readonly Rasterizer _raster;
    private readonly LatestFrameCache _cache = new();
    private readonly object _renderGate = new();
    private Thread? _grabber;
    private volatile bool _grabbing;
    private long _index;

    public WorkcellCamera(Workcell workcell, CameraViewpoint viewpoint, int width, int height, int fps = 30)
    {
        if (fps <= 0) throw new ArgumentOutOfRangeException(nameof(fps), fps, "fps must be positive.");
        _workcell = workcell;
        Viewpoint = viewpoint;
        _raster = new Rasterizer(width, height, viewpoint.VerticalFovDegrees);
        Fps = fps;
    }

    public CameraViewpoint Viewpoint { get; }
    public int Width => _raster.Width;
    public int Height => _raster.Height;
    public int Fps { get; }
    public bool IsConnected { get; private set; }
    public Rasterizer Raster => _raster;

    public void Connect()
    {
        if (IsConnected) throw new InvalidOperationException($"The {Viewpoint.Name} camera is already connected.");
        IsConnected = true;
        if (_workcell.Clock == WorkcellClock.RealTime)
        {
            _grabbing = true;
            _grabber = new Thread(Grab) { IsBackground = true, Name = $"workcell camera {Viewpoint.Name}" };
            _grabber.Start();
        }
    }

    /// <summary>Renders the world now (whatever the clock), on the caller's thread.</summary>
    public Frame Render()
    {
        var (camera, snapshot) = _workcell.Snapshot(Viewpoint);
        var image = new byte[Width * Height * 3];
        lock (_renderGate) _workcell.Scene.Render(_raster, image, camera, snapshot);
        return new Frame(image, Height, Width, 3, DateTime.UtcNow, Interlocked.Increment(ref _index) - 1);
    }

    public Frame Read() => _grabbing ? _cache.ReadNew(TimeSpan.FromSeconds(2.0 / Fps + 1)) : Render();

    public Frame AsyncRead(TimeSpan timeout) => _grabbing ? _cache.ReadNew(timeout) : Render();

    public Frame ReadLatest(TimeSpan maxAge) => _grabbing ? _cache.ReadLatest(maxAge) : Render();

    private void Grab()
    {
        var period = TimeSpan.FromSeconds(1.0 / Fps);
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        while (_grabbing)
        {
            _cache.Publish(Render());
            next += period;
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero) Thread.Sleep(wait);
            else next = clock.Elapsed; // rendering slower than the fps: no backlog
        }
    }

    public void Disconnect()
    {
        _grabbing = false;
        _grabber?.Join(TimeSpan.FromSeconds(2));
        _grabber = null;
        IsConnected = false;
    }

    public void Dispose() => Disconnect();
}
