using RobotActors.Datasets.Video;

namespace RobotActors.Datasets.Tests;

/// <summary>A fact that needs the ffmpeg and ffprobe executables; skipped, saying so, where they are absent.</summary>
public sealed class FfmpegFactAttribute : FactAttribute
{
    public FfmpegFactAttribute()
    {
        if (!Ffmpeg.IsAvailable)
            Skip = "ffmpeg/ffprobe are not on PATH; install ffmpeg (apt-get install ffmpeg) to run the video tests.";
    }
}
