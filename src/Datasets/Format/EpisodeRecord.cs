using RobotActors.Datasets.Stats;

namespace RobotActors.Datasets.Format;

/// <summary>Where one video feature's frames of an episode sit inside a concatenated MP4.</summary>
public sealed record VideoSegment(int ChunkIndex, int FileIndex, double FromTimestamp, double ToTimestamp);

/// <summary>One row of meta/episodes/chunk-XXX/file-XXX.parquet.</summary>
public sealed class EpisodeRecord
{
    public long EpisodeIndex { get; set; }
    public List<string> Tasks { get; set; } = [];
    public long Length { get; set; }
    public int DataChunkIndex { get; set; }
    public int DataFileIndex { get; set; }
    /// <summary>Global frame range [from, to).</summary>
    public long DatasetFromIndex { get; set; }
    public long DatasetToIndex { get; set; }
    public Dictionary<string, VideoSegment> Videos { get; set; } = [];
    public int MetaChunkIndex { get; set; }
    public int MetaFileIndex { get; set; }
    public Dictionary<string, FeatureStats> Stats { get; set; } = [];

    public override string ToString() => $"episode {EpisodeIndex} [{DatasetFromIndex}, {DatasetToIndex})";
}
