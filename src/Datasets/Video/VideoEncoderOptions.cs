namespace RobotActors.Datasets.Video;

/// <summary>LeRobot's RGBEncoderConfig defaults: AV1 (libsvtav1), yuv420p, GOP 2, crf 30, preset 12.</summary>
public sealed record VideoEncoderOptions
{
    public string VCodec { get; init; } = "libsvtav1";
    public string PixFmt { get; init; } = "yuv420p";
    public int G { get; init; } = 2;
    public int Crf { get; init; } = 30;
    public int? Preset { get; init; } = 12;
}
