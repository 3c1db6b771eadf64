using System.Globalization;

namespace RobotActors.Datasets.Format;

/// <summary>LeRobot v3.0 file names and path templates (lerobot/datasets/utils.py).</summary>
public static class DatasetPaths
{
    public const string CodebaseVersion = "v3.0";
    public const string InfoPath = "meta/info.json";
    public const string StatsPath = "meta/stats.json";
    public const string TasksPath = "meta/tasks.parquet";
    public const string DefaultDataPath = "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";
    public const string DefaultVideoPath = "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4";
    public const string DefaultEpisodesPath = "meta/episodes/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";
    public const int DefaultChunksSize = 1000;
    public const int DefaultDataFilesSizeInMb = 100;
    public const int DefaultVideoFilesSizeInMb = 200;

    /// <summary>
    /// Fills a Python str.format template of the kind LeRobot stores in info.json
    /// ("{chunk_index:03d}", "{video_key}"). Only the zero-padded integer and plain string forms occur.
    /// </summary>
    public static string Format(string template, int chunkIndex, int fileIndex, string? videoKey = null, long episodeIndex = 0)
    {
        var result = new System.Text.StringBuilder();
        int i = 0;
        while (i < template.Length)
        {
            char c = template[i];
            if (c != '{')
            {
                result.Append(c);
                i++;
                continue;
            }
            int end = template.IndexOf('}', i);
            if (end < 0)
                throw new DatasetFormatException($"Path template '{template}' has an unclosed '{{'.");
            string field = template.Substring(i + 1, end - i - 1);
            string name = field;
            string spec = "";
            int colon = field.IndexOf(':');
            if (colon >= 0)
            {
                name = field[..colon];
                spec = field[(colon + 1)..];
            }
            object value = name switch
            {
                "chunk_index" or "episode_chunk" => chunkIndex,
                "file_index" => fileIndex,
                "episode_index" => episodeIndex,
                "video_key" => videoKey ?? throw new DatasetFormatException($"Path template '{template}' needs a video key."),
                _ => throw new DatasetFormatException($"Path template '{template}' has an unknown field '{name}'."),
            };
            result.Append(FormatValue(value, spec));
            i = end + 1;
        }
        return result.ToString();
    }

    private static string FormatValue(object value, string spec)
    {
        if (value is string s)
            return s;
        long n = Convert.ToInt64(value, CultureInfo.InvariantCulture);
        if (spec.Length == 0)
            return n.ToString(CultureInfo.InvariantCulture);
        if (spec.EndsWith('d') && spec.StartsWith('0'))
        {
            int width = int.Parse(spec[1..^1], CultureInfo.InvariantCulture);
            return n.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
        }
        throw new DatasetFormatException($"Unsupported format spec ':{spec}' in a path template.");
    }

    /// <summary>LeRobot's update_chunk_file_indices: the next file, moving to a new chunk after chunks_size files.</summary>
    public static (int Chunk, int File) Next(int chunk, int file, int chunksSize)
        => file == chunksSize - 1 ? (chunk + 1, 0) : (chunk, file + 1);
}
