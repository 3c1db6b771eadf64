using System.Diagnostics;

namespace RobotActors.Devices.Cameras;

/// <summary>
/// A camera that replays the images of a folder (PNG, PPM, PGM; sorted by name) at a fixed rate on
/// a background grab loop, looping at the end if asked. Frames are HWC uint8 RGB.
/// </summary>
public sealed class ImageFolderCamera : ICamera
{
    private static readonly string[] Extensions = [".png", ".ppm", ".pgm"];
    private readonly string[] _files;
    private readonly bool _loop;
    private readonly LatestFrameCache _cache = new();
    private Thread? _grabber;
    private volatile bool _running;
    private long _index;
    private int _next;

    public ImageFolderCamera(string folder, int fps = 30, bool loop = true, int? width = null, int? height = null)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Image folder '{folder}' does not exist.");
        _files = Directory.GetFiles(folder).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (_files.Length == 0)
            throw new InvalidDataException($"Image folder '{folder}' holds no .png, .ppm or .pgm files.");
        if (fps <= 0) throw new ArgumentOutOfRangeException(nameof(fps), fps, "fps must be positive.");
        Fps = fps;
        _loop = loop;
        var first = ImageDecoder.Decode(_files[0]);
        Width = first.Width;
        Height = first.Height;
        if ((width is { } w && w != Width) || (height is { } h && h != Height))
            throw new InvalidDataException($"Images in '{folder}' are {Width}x{Height}, but the camera config asks for {width}x{height}.");
    }

    public int Width { get; }
    public int Height { get; }
    public int Fps { get; }
    public bool IsConnected => _running;
    /// <summary>Why the grab loop stopped early (an unreadable image), if it did.</summary>
    public string? Error { get; private set; }

    /// <summary>True once every image was shown and looping is off.</summary>
    public bool Exhausted { get; private set; }

    public void Connect()
    {
        if (_running) throw new InvalidOperationException("The camera is already connected.");
        _running = true;
        _grabber = new Thread(GrabLoop) { IsBackground = true, Name = "image-folder camera" };
        _grabber.Start();
    }

    /// <summary>Blocking read of the next frame (decoded on the caller's thread when not connected).</summary>
    public Frame Read() => _running ? _cache.ReadNew(TimeSpan.FromSeconds(2.0 / Fps + 1)) : NextFrame() ?? throw new EndOfStreamException("No more images.");

    public Frame AsyncRead(TimeSpan timeout) => _cache.ReadNew(timeout);

    public Frame ReadLatest(TimeSpan maxAge) => _cache.ReadLatest(maxAge);

    private Frame? NextFrame()
    {
        if (_next >= _files.Length)
        {
            if (!_loop) { Exhausted = true; return null; }
            _next = 0;
        }
        var image = ImageDecoder.Decode(_files[_next++]);
        if (image.Width != Width || image.Height != Height)
            throw new InvalidDataException($"{_files[_next - 1]} is {image.Width}x{image.Height}; every image must be {Width}x{Height}.");
        return new Frame(image.ToRgb(), Height, Width, 3, DateTime.UtcNow, _index++);
    }

    private void GrabLoop()
    {
        var period = TimeSpan.FromSeconds(1.0 / Fps);
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        while (_running)
        {
            Frame? frame;
            try
            {
                frame = NextFrame();
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                // An exception escaping this thread would end the process; a bad or vanished image stops
                // the stream instead, and read_latest reports the frames going stale, as for a stalled camera.
                Error = e.Message;
                break;
            }
            if (frame is null) break; // stays connected; read_latest will report the frames going stale
            _cache.Publish(frame);
            next += period;
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero) Thread.Sleep(wait);
        }
    }

    public void Disconnect()
    {
        _running = false;
        _grabber?.Join(TimeSpan.FromSeconds(2));
    }

    public void Dispose() => Disconnect();
}
