using System.Globalization;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Video;

/// <summary>
/// Episodes are encoded one at a time and concatenated (stream copy) onto the current
/// videos/&lt;key&gt;/chunk-XXX/file-XXX.mp4, the way LeRobot's concatenate_video_files does.
/// </summary>
public static class VideoFiles
{
    private static string Inv(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Appends the frames as an episode; returns the episode's duration in seconds (frames / fps).</summary>
    public static async Task<double> AppendEpisodeAsync(string path, IReadOnlyList<ImageFrame> frames, int fps, VideoEncoderOptions options)
    {
        Ffmpeg.Require();
        if (frames.Count == 0)
            throw new DatasetFormatException("Cannot encode an episode with no frames.");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string episodeFile = AtomicFile.TempPathFor(path) + ".mp4";
        try
        {
            await EncodeAsync(episodeFile, frames, fps, options);
            if (!File.Exists(path))
            {
                File.Move(episodeFile, path);
            }
            else
            {
                string list = AtomicFile.TempPathFor(path) + ".txt";
                string joined = AtomicFile.TempPathFor(path) + ".mp4";
                try
                {
                    await File.WriteAllTextAsync(list, $"file '{Path.GetFullPath(path)}'\nfile '{Path.GetFullPath(episodeFile)}'\n");
                    await Ffmpeg.RunAsync("ffmpeg", ["-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", list, "-c", "copy", "-f", "mp4", joined]);
                    using (var fs = new FileStream(joined, FileMode.Open, FileAccess.ReadWrite))
                        fs.Flush(flushToDisk: true);
                    File.Move(joined, path, overwrite: true);
                }
                finally
                {
                    File.Delete(list);
                    File.Delete(joined);
                }
            }
        }
        finally
        {
            File.Delete(episodeFile);
        }
        return (double)frames.Count / fps;
    }

    public static async Task EncodeAsync(string output, IReadOnlyList<ImageFrame> frames, int fps, VideoEncoderOptions options)
    {
        var first = frames[0];
        string inputFormat = first.Channels switch
        {
            1 => "gray",
            3 => "rgb24",
            4 => "rgba",
            _ => throw new DatasetFormatException($"Cannot encode {first.Channels}-channel frames as video."),
        };
        var args = new List<string>
        {
            "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", inputFormat,
            "-s", $"{first.Width}x{first.Height}", "-r", fps.ToString(CultureInfo.InvariantCulture), "-i", "-",
            "-c:v", options.VCodec, "-pix_fmt", options.PixFmt, "-g", options.G.ToString(CultureInfo.InvariantCulture),
            "-crf", options.Crf.ToString(CultureInfo.InvariantCulture),
        };
        if (options.Preset is int preset)
            args.AddRange(["-preset", preset.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["-f", "mp4", output]);
        await Ffmpeg.RunAsync("ffmpeg", args, async stdin =>
        {
            foreach (var f in frames)
                await stdin.WriteAsync(f.Pixels);
        });
    }

    /// <summary>
    /// Decodes <paramref name="count"/> frames of one episode starting at <paramref name="fromTimestamp"/>.
    /// The seek starts half a frame early, so the first frame decoded is the one nearest the stored
    /// timestamp even when that timestamp has drifted a little either way (long concatenated videos
    /// accumulate float error in from_timestamp; a seek to exactly it can land one frame late).
    /// </summary>
    public static async Task<ImageFrame[]> DecodeEpisodeAsync(string path, double fromTimestamp, int count, int fps, int height, int width, int channels)
    {
        if (!File.Exists(path))
            throw new DatasetFormatException($"Video file {path} is missing.");
        double start = Math.Max(0, fromTimestamp - 0.5 / fps);
        string pixFmt = channels == 1 ? "gray" : "rgb24";
        var bytes = await Ffmpeg.RunAsync("ffmpeg",
        [
            "-v", "error", "-ss", Inv(start), "-i", path, "-frames:v", count.ToString(CultureInfo.InvariantCulture),
            "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", pixFmt, "-",
        ]);
        int frameBytes = height * width * channels;
        int decoded = bytes.Length / frameBytes;
        if (decoded < count)
            throw new DatasetFormatException($"{path}: expected {count} frames from {fromTimestamp:F4}s but decoded {decoded}; the video is shorter than the episode metadata says.");
        var frames = new ImageFrame[count];
        for (int i = 0; i < count; i++)
            frames[i] = new ImageFrame(height, width, channels, bytes.AsSpan(i * frameBytes, frameBytes).ToArray());
        return frames;
    }

    public static async Task<double> ProbeDurationAsync(string path)
    {
        var output = await Ffmpeg.RunAsync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path]);
        return double.Parse(System.Text.Encoding.ASCII.GetString(output).Trim(), CultureInfo.InvariantCulture);
    }
}
