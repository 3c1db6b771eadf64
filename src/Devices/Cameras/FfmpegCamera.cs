using System.Diagnostics;
using System.Text;

namespace RobotActors.Devices.Cameras;

/// <summary>
/// LeRobot's OpenCV camera settings (index_or_path, width, height, fps, fourcc, color_mode, rotation) for a
/// camera captured through ffmpeg. <see cref="InputFormat"/> is ffmpeg's "-f": null chooses v4l2 for a device
/// index or /dev path and none for a video file; "lavfi" reads ffmpeg's test sources (index_or_path "testsrc=...").
/// </summary>
public sealed record FfmpegCameraOptions
{
    public required string IndexOrPath { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public int Fps { get; init; } = 30;
    /// <summary>"MJPG" or "YUYV" (V4L2 input only; null: the device's default).</summary>
    public string? Fourcc { get; init; }
    public string ColorMode { get; init; } = "rgb";
    /// <summary>0, 90, 180 or -90 (= 270), clockwise as LeRobot's Cv2Rotation.</summary>
    public int Rotation { get; init; }
    public string? InputFormat { get; init; }
    /// <summary>How long Connect waits for the first frame.</summary>
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>A name for messages ("front").</summary>
    public string Name { get; init; } = "camera";
    /// <summary>The ffmpeg executable (null: the one on PATH).</summary>
    public string? Executable { get; init; }
}

/// <summary>
/// A camera served by the ffmpeg executable: ffmpeg opens the device (V4L2 on Linux, MJPEG or YUYV), decodes
/// and writes raw RGB frames to a pipe; a grab thread reads them into the latest-frame cache the CameraActor
/// already uses. A missing ffmpeg, or a camera that does not open, is one error naming the camera and the fix.
/// </summary>
public sealed class FfmpegCamera : ICamera
{
    private readonly LatestFrameCache _cache = new();
    private readonly StringBuilder _stderr = new();
    private Process? _process;
    private Thread? _grabber;
    private volatile bool _running;
    private long _index;

    public FfmpegCamera(FfmpegCameraOptions options)
    {
        if (options.Width <= 0 || options.Height <= 0)
            throw new ArgumentException($"camera '{options.Name}' needs a positive width and height (got {options.Width}x{options.Height}).");
        if (options.Fps <= 0) throw new ArgumentException($"camera '{options.Name}': fps must be positive.");
        if (options.Rotation is not (0 or 90 or 180 or -90 or 270)) throw new ArgumentException($"camera '{options.Name}': rotation {options.Rotation} must be 0, 90, 180 or -90.");
        if (options.ColorMode is not ("rgb" or "bgr")) throw new ArgumentException($"camera '{options.Name}': color_mode must be rgb or bgr.");
        Options = options;
        var turned = options.Rotation is 90 or -90 or 270;
        Width = turned ? options.Height : options.Width;
        Height = turned ? options.Width : options.Height;
    }

    public FfmpegCameraOptions Options { get; }
    /// <summary>The size of the frames delivered (after rotation).</summary>
    public int Width { get; }
    public int Height { get; }
    public int Fps => Options.Fps;
    public bool IsConnected => _running;
    /// <summary>Why the stream ended (ffmpeg's last message), if it did.</summary>
    public string? Error { get; private set; }
    public long FramesRead => Interlocked.Read(ref _index);

    /// <summary>A device index ("0") means /dev/video0; anything else is a path (or a lavfi source).</summary>
    public string Input => int.TryParse(Options.IndexOrPath, out var i) && Options.InputFormat is null ? $"/dev/video{i}" : Options.IndexOrPath;

    /// <summary>ffmpeg's arguments: only the input part differs between a V4L2 device, a video file and a test source.</summary>
    public IReadOnlyList<string> Arguments()
    {
        var args = new List<string> { "-hide_banner", "-loglevel", "error", "-nostdin" };
        var format = Options.InputFormat ?? (Input.StartsWith("/dev/", StringComparison.Ordinal) ? "v4l2" : null);
        if (format == "v4l2")
        {
            args.AddRange(["-f", "v4l2", "-framerate", Options.Fps.ToString(), "-video_size", $"{Options.Width}x{Options.Height}"]);
            if (Options.Fourcc is { } fourcc)
                args.AddRange(["-input_format", fourcc.ToUpperInvariant() switch
                {
                    "MJPG" => "mjpeg",
                    "YUYV" => "yuyv422",
                    _ => throw new ArgumentException($"camera '{Options.Name}': fourcc '{fourcc}' is not supported; use MJPG or YUYV."),
                }]);
        }
        else if (format is not null)
        {
            args.AddRange(["-re", "-f", format]); // a generated source at its own rate, not as fast as ffmpeg can make it
        }
        else
        {
            args.AddRange(["-re", "-stream_loop", "-1"]); // a video file plays at its own rate, looping, like a live camera
        }
        args.AddRange(["-i", Input]);
        var filters = new List<string> { $"scale={Options.Width}:{Options.Height}", $"fps={Options.Fps}" };
        filters.AddRange(Options.Rotation switch
        {
            90 => ["transpose=1"],
            -90 or 270 => ["transpose=2"],
            180 => ["hflip", "vflip"],
            _ => [],
        });
        args.AddRange(["-vf", string.Join(",", filters), "-f", "rawvideo", "-pix_fmt", Options.ColorMode == "bgr" ? "bgr24" : "rgb24", "-"]);
        return args;
    }

    public static string? FindFfmpeg()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "ffmpeg");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Starts ffmpeg and waits for the first frame; a camera that does not open fails here with ffmpeg's reason.</summary>
    public void Connect()
    {
        if (_running) throw new InvalidOperationException($"camera '{Options.Name}' is already connected.");
        var ffmpeg = (Options.Executable is { } exe ? File.Exists(exe) ? exe : null : FindFfmpeg()) ?? throw new CameraOpenException(
            $"camera '{Options.Name}' ({Options.IndexOrPath}) needs the `ffmpeg` executable, which is not {(Options.Executable is null ? "on PATH" : $"at {Options.Executable}")}: opencv-type cameras are captured through it. " +
            "Install it (e.g. `apt-get install ffmpeg`, or scripts/ffmpeg-for-tests.sh), then check the camera with `robotactors find-cameras`.");
        var info = new ProcessStartInfo(ffmpeg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in Arguments()) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new CameraOpenException($"camera '{Options.Name}': could not start {ffmpeg}.");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr) _stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        _process = process;
        _running = true;
        _grabber = new Thread(GrabLoop) { IsBackground = true, Name = $"ffmpeg camera {Options.Name}" };
        _grabber.Start();
        // The first frame proves the camera works; a stream that ends first (ffmpeg could not open it) fails at once.
        var deadline = DateTime.UtcNow + Options.OpenTimeout;
        while (true)
        {
            try
            {
                _cache.ReadNew(TimeSpan.FromMilliseconds(100));
                return;
            }
            catch (TimeoutException) when (Error is null && DateTime.UtcNow < deadline)
            {
            }
            catch (TimeoutException)
            {
                break;
            }
        }
        var exited = _process.WaitForExit(1000); // also lets ffmpeg's last words reach stderr
        var reason = exited || Error is not null ? LastError() : $"no frame within {Options.OpenTimeout.TotalSeconds:F0} s";
        Disconnect();
        throw new CameraOpenException(
            $"camera '{Options.Name}': index_or_path '{Options.IndexOrPath}' ({Input}) did not open: {reason}. " +
            "Run `robotactors find-cameras` to list this machine's cameras, and check width, height, fps and fourcc against what it supports.");
    }

    private string LastError()
    {
        lock (_stderr)
        {
            var lines = _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length > 0 ? lines[^1] : Error ?? $"ffmpeg exited with code {(_process is { HasExited: true } p ? p.ExitCode : -1)}";
        }
    }

    private void GrabLoop()
    {
        var frameBytes = Width * Height * 3;
        var stream = _process!.StandardOutput.BaseStream;
        try
        {
            while (_running)
            {
                var data = new byte[frameBytes]; // each frame its own buffer: readers (and actor messages) may keep it
                var read = 0;
                while (read < frameBytes)
                {
                    var n = stream.Read(data, read, frameBytes - read);
                    if (n == 0)
                    {
                        Error = "the stream ended";
                        return;
                    }
                    read += n;
                }
                _cache.Publish(new Frame(data, Height, Width, 3, DateTime.UtcNow, Interlocked.Increment(ref _index) - 1));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // An exception escaping this thread would end the process; the frames going stale report the fault.
            Error = e.Message;
        }
    }

    /// <summary>Blocking read of the next frame.</summary>
    public Frame Read() => _cache.ReadNew(TimeSpan.FromSeconds(2.0 / Fps + 1));

    public Frame AsyncRead(TimeSpan timeout) => _cache.ReadNew(timeout);

    public Frame ReadLatest(TimeSpan maxAge) => _cache.ReadLatest(maxAge);

    public void Disconnect()
    {
        _running = false;
        if (_process is { } p)
        {
            try
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.WaitForExit(2000);
            }
            catch (InvalidOperationException) { }
            p.Dispose();
        }
        _process = null;
        _grabber?.Join(TimeSpan.FromSeconds(2));
    }

    public void Dispose() => Disconnect();
}

/// <summary>A camera could not be opened; the message names it and says what to do.</summary>
public sealed class CameraOpenException(string message) : IOException(message);
