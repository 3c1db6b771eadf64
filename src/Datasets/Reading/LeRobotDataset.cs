using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Legacy;
using RobotActors.Datasets.Parquet;
using RobotActors.Datasets.Stats;
using RobotActors.Datasets.Training;
using RobotActors.Datasets.Video;

namespace RobotActors.Datasets.Reading;

/// <summary>
/// A LeRobot dataset on disk (v3.0, or v2.1 read in place), opened for reading: metadata, stats, and
/// random access to frames by global index, with delta_timestamps. Thread-safe: the batched loader
/// reads it from several workers. Data files are loaded whole and kept in a small cache; PNG images
/// are decoded only when a frame is asked for.
/// </summary>
public sealed class LeRobotDataset
{
    private readonly List<EpisodeRecord> _allEpisodes;
    private readonly Dictionary<long, EpisodeRecord> _byEpisodeIndex;
    private readonly long[] _selectedStarts; // cumulative frame counts of the selected episodes
    private readonly FileCache<string, LoadedDataFile> _dataFiles;
    private readonly FileCache<(string Key, long Episode), ImageFrame[]> _videoFrames;

    private LeRobotDataset(string root, DatasetInfo info, List<EpisodeRecord> episodes, List<string> tasks,
        Dictionary<string, FeatureStats> stats, IEnumerable<long>? selection)
    {
        Root = root;
        Info = info;
        _allEpisodes = episodes;
        _byEpisodeIndex = episodes.ToDictionary(e => e.EpisodeIndex);
        Tasks = tasks;
        Stats = stats;
        if (selection is null)
        {
            Episodes = episodes;
        }
        else
        {
            Episodes = selection.Select(i => _byEpisodeIndex.TryGetValue(i, out var e) ? e
                : throw new DatasetFormatException($"Episode {i} is not in the dataset (it has episodes 0..{episodes.Count - 1}).")).ToList();
        }
        _selectedStarts = new long[Episodes.Count + 1];
        for (int i = 0; i < Episodes.Count; i++)
            _selectedStarts[i + 1] = _selectedStarts[i] + Episodes[i].Length;
        _dataFiles = new FileCache<string, LoadedDataFile>(4);
        _videoFrames = new FileCache<(string, long), ImageFrame[]>(16);
    }

    public string Root { get; }
    public DatasetInfo Info { get; }
    public int Fps => Info.Fps;
    public IReadOnlyList<FeatureSpec> Features => Info.Features;
    public bool IsLegacy => V21Metadata.IsLegacy(Info);

    /// <summary>The selected episodes (all of them unless an episode list was given).</summary>
    public IReadOnlyList<EpisodeRecord> Episodes { get; }
    public IReadOnlyList<EpisodeRecord> AllEpisodes => _allEpisodes;
    public IReadOnlyList<string> Tasks { get; }
    public IReadOnlyDictionary<string, FeatureStats> Stats { get; }

    /// <summary>Frames in the selected episodes (len(dataset)).</summary>
    public long Count => _selectedStarts[^1];

    public static LeRobotDataset Open(string root, IEnumerable<long>? episodes = null)
        => OpenAsync(root, episodes).GetAwaiter().GetResult();

    public static async Task<LeRobotDataset> OpenAsync(string root, IEnumerable<long>? episodes = null)
    {
        var info = DatasetInfo.Load(root);
        List<EpisodeRecord> all;
        List<string> tasks;
        if (V21Metadata.IsLegacy(info))
        {
            all = V21Metadata.LoadEpisodes(root, info);
            tasks = V21Metadata.LoadTasks(root);
        }
        else if (info.CodebaseVersion == DatasetPaths.CodebaseVersion)
        {
            // Rows past total_episodes belong to a save that never committed (see DatasetRecorder).
            all = (await EpisodesTable.LoadAllAsync(root)).Take((int)info.TotalEpisodes).ToList();
            tasks = await TasksTable.LoadAsync(root);
        }
        else
        {
            throw new DatasetFormatException($"{root}: codebase_version {info.CodebaseVersion} is not supported; v3.0 is read natively and v2.1 in place.");
        }
        foreach (var e in all)
            StatsShapes.Apply(info, e.Stats);
        var stats = StatsJson.Load(root);
        StatsShapes.Apply(info, stats);
        return new LeRobotDataset(root, info, all, tasks, stats, episodes);
    }

    public EpisodeRecord Episode(long episodeIndex)
        => _byEpisodeIndex.TryGetValue(episodeIndex, out var e) ? e : throw new DatasetFormatException($"No episode {episodeIndex}.");

    public string DataPathOf(EpisodeRecord e)
        => IsLegacy ? V21Metadata.EpisodeDataPath(Info, e.EpisodeIndex) : Info.DataFile(e.DataChunkIndex, e.DataFileIndex);

    public string VideoPathOf(EpisodeRecord e, string videoKey)
    {
        if (IsLegacy)
            return V21Metadata.EpisodeVideoPath(Info, videoKey, e.EpisodeIndex);
        var seg = e.Videos.TryGetValue(videoKey, out var s) ? s : throw new DatasetFormatException($"Episode {e.EpisodeIndex} has no video segment for '{videoKey}'.");
        return Info.VideoFile(videoKey, seg.ChunkIndex, seg.FileIndex);
    }

    /// <summary>Global (dataset) index of the i-th selected frame.</summary>
    public long GlobalIndexOf(long i)
    {
        if (i < 0 || i >= Count)
            throw new ArgumentOutOfRangeException(nameof(i), $"Frame {i} is outside 0..{Count - 1}.");
        int ep = Array.BinarySearch(_selectedStarts, i);
        ep = ep >= 0 ? ep : ~ep - 1;
        while (ep < Episodes.Count - 1 && _selectedStarts[ep + 1] <= i)
            ep++;
        return Episodes[ep].DatasetFromIndex + (i - _selectedStarts[ep]);
    }

    public EpisodeRecord EpisodeOfGlobal(long globalIndex)
    {
        int lo = 0, hi = _allEpisodes.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            var e = _allEpisodes[mid];
            if (globalIndex < e.DatasetFromIndex) hi = mid - 1;
            else if (globalIndex >= e.DatasetToIndex) lo = mid + 1;
            else return e;
        }
        throw new ArgumentOutOfRangeException(nameof(globalIndex), $"Frame index {globalIndex} belongs to no episode.");
    }

    /// <summary>The i-th selected frame, with delta_timestamps applied when given (LeRobot's __getitem__).</summary>
    public Frame Get(long i, IReadOnlyDictionary<string, int[]>? deltaIndices = null)
        => GetGlobal(GlobalIndexOf(i), deltaIndices);

    public Frame Get(long i, DeltaTimestamps deltaTimestamps) => Get(i, deltaTimestamps.ToIndices(Info));

    /// <summary>
    /// The frame with dataset index <paramref name="globalIndex"/>. For delta keys the value is stacked over
    /// the offsets, each clamped to the episode, with "{key}_is_pad" true where the offset fell outside it.
    /// </summary>
    public Frame GetGlobal(long globalIndex, IReadOnlyDictionary<string, int[]>? deltaIndices = null)
    {
        var episode = EpisodeOfGlobal(globalIndex);
        var values = new Dictionary<string, FeatureValue>();
        foreach (var f in Info.Features)
        {
            if (f.DType == DTypes.String)
                continue;
            if (deltaIndices is not null && deltaIndices.TryGetValue(f.Key, out var offsets))
            {
                var rows = new long[offsets.Length];
                var pad = new double[offsets.Length];
                for (int t = 0; t < offsets.Length; t++)
                {
                    long q = globalIndex + offsets[t];
                    pad[t] = q < episode.DatasetFromIndex || q >= episode.DatasetToIndex ? 1 : 0;
                    rows[t] = Math.Clamp(q, episode.DatasetFromIndex, episode.DatasetToIndex - 1);
                }
                values[f.Key] = Read(f, episode, rows, stacked: true);
                values[f.Key + "_is_pad"] = new FeatureValue(DTypes.Bool, [offsets.Length], pad);
            }
            else
            {
                values[f.Key] = Read(f, episode, [globalIndex], stacked: false);
            }
        }
        int taskIndex = (int)values["task_index"].Numbers![0];
        return new Frame(values, taskIndex >= 0 && taskIndex < Tasks.Count ? Tasks[taskIndex] : null);
    }

    private FeatureValue Read(FeatureSpec f, EpisodeRecord episode, long[] rows, bool stacked)
    {
        int[] shape = stacked ? [rows.Length, .. f.Shape] : f.Shape;
        if (f.IsVideo)
        {
            var frames = VideoFramesOf(f, episode);
            return new FeatureValue(f.DType, shape, rows.Select(r => frames[r - episode.DatasetFromIndex]).ToArray());
        }
        var file = DataFileOf(episode);
        if (f.IsImage)
        {
            var pngs = file.Block.Images[f.Key];
            return new FeatureValue(f.DType, shape, rows.Select(r => DecodeChecked(f, pngs[file.RowOf(r)])).ToArray());
        }
        var all = file.Block.Numeric[f.Key];
        int w = f.ElementCount;
        var result = new double[rows.Length * w];
        for (int t = 0; t < rows.Length; t++)
            Array.Copy(all, (long)file.RowOf(rows[t]) * w, result, (long)t * w, w);
        return new FeatureValue(f.DType, shape, result);
    }

    private static ImageFrame DecodeChecked(FeatureSpec f, byte[] png)
    {
        var img = Png.Decode(png);
        if (img.Height != f.Height || img.Width != f.Width || img.Channels != f.Channels)
            throw new DatasetFormatException($"Image feature '{f.Key}' is [{f.Height},{f.Width},{f.Channels}] in meta/info.json but a stored frame is [{img.Height},{img.Width},{img.Channels}].");
        return img;
    }

    private LoadedDataFile DataFileOf(EpisodeRecord episode)
    {
        string rel = DataPathOf(episode);
        return _dataFiles.Get(rel, () =>
        {
            string path = Path.Combine(Root, rel);
            if (!File.Exists(path))
                throw new DatasetFormatException($"{path} is missing: {EpisodesTable.Describe(episode)} points to it.");
            return new LoadedDataFile(DataFile.ReadAsync(path, Info).GetAwaiter().GetResult(), path);
        });
    }

    private ImageFrame[] VideoFramesOf(FeatureSpec f, EpisodeRecord episode)
        => _videoFrames.Get((f.Key, episode.EpisodeIndex), () =>
        {
            string path = Path.Combine(Root, VideoPathOf(episode, f.Key));
            double from = IsLegacy ? 0 : episode.Videos[f.Key].FromTimestamp;
            return VideoFiles.DecodeEpisodeAsync(path, from, (int)episode.Length, Fps, f.Height, f.Width, f.Channels).GetAwaiter().GetResult();
        });

    /// <summary>Frame lookup by timestamp inside an episode, within LeRobot's tolerance of the frame grid.</summary>
    public Frame GetByTimestamp(long episodeIndex, double timestamp, double toleranceS = DeltaTimestamps.DefaultToleranceS)
    {
        var e = Episode(episodeIndex);
        double frames = timestamp * Fps;
        long k = (long)Math.Round(frames);
        if (Math.Abs(frames - k) / Fps > toleranceS || k < 0 || k >= e.Length)
            throw new DatasetFormatException($"No frame of episode {episodeIndex} at {timestamp} s (nearest frame {k} at {(double)k / Fps} s, tolerance {toleranceS} s).");
        return GetGlobal(e.DatasetFromIndex + k);
    }

    /// <summary>Every frame of every loaded file keeps its row; this maps a dataset index to it.</summary>
    internal sealed class LoadedDataFile
    {
        private readonly Dictionary<long, int>? _rowOf;
        private readonly long _first;

        public LoadedDataFile(FrameBlock block, string path)
        {
            Block = block;
            if (block.RowCount == 0)
                return;
            _first = block.IndexAt(0);
            bool contiguous = true;
            for (int r = 0; r < block.RowCount && contiguous; r++)
                contiguous = block.IndexAt(r) == _first + r;
            if (!contiguous)
            {
                _rowOf = [];
                for (int r = 0; r < block.RowCount; r++)
                    if (!_rowOf.TryAdd(block.IndexAt(r), r))
                        throw new DatasetFormatException($"{path}: index {block.IndexAt(r)} appears twice.");
            }
        }

        public FrameBlock Block { get; }

        public int RowOf(long index)
        {
            if (_rowOf is not null)
                return _rowOf.TryGetValue(index, out var r) ? r : throw new DatasetFormatException($"Frame index {index} is not in its data file.");
            long row = index - _first;
            if (row < 0 || row >= Block.RowCount)
                throw new DatasetFormatException($"Frame index {index} is not in its data file (it holds {_first}..{_first + Block.RowCount - 1}).");
            return (int)row;
        }
    }
}
