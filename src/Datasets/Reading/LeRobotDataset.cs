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
    private readonly FileCache<string, (long Min, long Max)[]> _rowGroupRanges;
    private readonly FileCache<long, LoadedDataFile> _episodeRows;
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
        _rowGroupRanges = new FileCache<string, (long, long)[]>(1024);
        _episodeRows = new FileCache<long, LoadedDataFile>(CachedEpisodes);
        _videoFrames = new FileCache<(string, long), ImageFrame[]>(16);
    }

    /// <summary>
    /// Episodes whose rows stay decoded-from-Parquet in memory (PNG bytes, not pixels). Shuffled training
    /// touches many episodes; each miss reads only the row groups holding that episode, not a whole file.
    /// </summary>
    public const int CachedEpisodes = 64;

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

    /// <param name="readStats">False to ignore meta/stats.json (for rewriting it when it is damaged).</param>
    public static async Task<LeRobotDataset> OpenAsync(string root, IEnumerable<long>? episodes = null, bool readStats = true)
    {
        var info = DatasetInfo.Load(root);
        try
        {
            return await OpenAsync(root, info, episodes, readStats);
        }
        catch (DatasetFormatException e)
        {
            throw e.WithHint(DatasetFormatException.ValidateHint(root));
        }
    }

    private static async Task<LeRobotDataset> OpenAsync(string root, DatasetInfo info, IEnumerable<long>? episodes, bool readStats)
    {
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
        var stats = readStats ? StatsJson.Load(root) : [];
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
        try
        {
            return ReadFrame(globalIndex, deltaIndices);
        }
        catch (DatasetFormatException e)
        {
            throw e.WithHint(DatasetFormatException.ValidateHint(Root));
        }
    }

    private Frame ReadFrame(long globalIndex, IReadOnlyDictionary<string, int[]>? deltaIndices)
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

    /// <summary>
    /// Opens every data file the episodes point to (footer and index column) and checks every video file is
    /// there, so a damaged dataset is reported by name before anything reads frames from it.
    /// </summary>
    public async Task CheckFilesAsync()
    {
        foreach (var file in _allEpisodes.Select(DataPathOf).Distinct())
        {
            var path = Path.Combine(Root, file);
            try
            {
                await ParquetTable.RowGroupRangesAsync(path, "index");
            }
            catch (DatasetFormatException e)
            {
                throw e.WithHint(DatasetFormatException.ValidateHint(Root));
            }
        }
        foreach (var e in _allEpisodes)
            foreach (var f in Info.VideoFeatures)
                if (!File.Exists(Path.Combine(Root, VideoPathOf(e, f.Key))))
                    throw new DatasetFormatException($"{Path.Combine(Root, VideoPathOf(e, f.Key))} is missing: {EpisodesTable.Describe(e)} points to it. {DatasetFormatException.ValidateHint(Root)}");
    }

    /// <summary>
    /// What a trainer needs to hold before it builds anything: stats with as many values as info.json's
    /// shapes, and in every data file rows (and images) of those shapes, as `dataset validate` checks them.
    /// </summary>
    public async Task CheckShapesAsync()
    {
        foreach (var f in Info.Features.Where(f => f.IsNumeric && !f.IsDefault))
            if (Stats.TryGetValue(f.Key, out var s) && s.Values.TryGetValue(FeatureStats.Mean, out var mean) && mean.Length != f.ElementCount)
                throw new DatasetFormatException(
                    $"{Path.Combine(Root, DatasetPaths.StatsPath)}: '{f.Key}' has {mean.Length} values per statistic but {DatasetPaths.InfoPath} gives it shape " +
                    $"[{string.Join(", ", f.Shape)}] ({f.ElementCount} values). {DatasetFormatException.ValidateHint(Root)} If the data agrees with the stats, " +
                    $"fix the shape in {DatasetPaths.InfoPath}; if the stats are stale, run `robotactors dataset stats {Root} --recompute`.");
        await CheckFilesAsync();
        // Loading a data file checks every row of it against the shapes; an image is checked when decoded.
        // Videos are left to `dataset validate`: decoding one here would cost an ffmpeg run per file.
        foreach (var first in _allEpisodes.GroupBy(DataPathOf).Select(g => g.First()))
        {
            try
            {
                DataFileOf(first);
                foreach (var f in Info.ImageFeatures)
                    Read(f, first, [first.DatasetFromIndex], stacked: false);
            }
            catch (DatasetFormatException e)
            {
                throw e.WithHint(DatasetFormatException.ValidateHint(Root));
            }
        }
    }

    private LoadedDataFile DataFileOf(EpisodeRecord episode)
    {
        try
        {
            return LoadDataFile(episode);
        }
        catch (DatasetFormatException e)
        {
            throw e.WithHint(DatasetFormatException.ValidateHint(Root));
        }
    }

    private LoadedDataFile LoadDataFile(EpisodeRecord episode)
        => _episodeRows.Get(episode.EpisodeIndex, () =>
        {
            string path = Path.Combine(Root, DataPathOf(episode));
            if (!File.Exists(path))
                throw new DatasetFormatException($"{path} is missing: {EpisodesTable.Describe(episode)} points to it.");
            var ranges = _rowGroupRanges.Get(path, () => ParquetTable.RowGroupRangesAsync(path, "index").GetAwaiter().GetResult());
            var groups = new HashSet<int>();
            for (int g = 0; g < ranges.Length; g++)
                if (ranges[g].Min < episode.DatasetToIndex && ranges[g].Max >= episode.DatasetFromIndex)
                    groups.Add(g);
            if (groups.Count == 0)
                throw new DatasetFormatException($"{path} holds no rows of {EpisodesTable.Describe(episode)}.");
            return new LoadedDataFile(DataFile.ReadAsync(path, Info, groups).GetAwaiter().GetResult(), path);
        });

    private ImageFrame[] VideoFramesOf(FeatureSpec f, EpisodeRecord episode)
        => _videoFrames.Get((f.Key, episode.EpisodeIndex), () =>
        {
            string path = Path.Combine(Root, VideoPathOf(episode, f.Key));
            double from = IsLegacy ? 0 : episode.Videos[f.Key].FromTimestamp;
            return VideoFiles.DecodeEpisodeAsync(path, from, (int)episode.Length, Fps, f.Height, f.Width, f.Channels).GetAwaiter().GetResult();
        });

    /// <summary>
    /// One episode's rows as columns (user features, images still PNG-encoded) and per-frame task strings,
    /// for tools that copy episodes without decoding them.
    /// </summary>
    internal (FrameBlock Block, string[] Tasks) EpisodeBlock(EpisodeRecord e, bool keepDefaultColumns = false)
    {
        var file = DataFileOf(e);
        int first = file.RowOf(e.DatasetFromIndex);
        int n = (int)e.Length;
        if (file.RowOf(e.DatasetToIndex - 1) != first + n - 1)
            throw new DatasetFormatException($"{DataPathOf(e)}: the rows of {EpisodesTable.Describe(e)} are not contiguous.");
        var slice = file.Block.Slice(first, n, Info.Features.Where(f => f.IsNumeric).ToDictionary(f => f.Key, f => f.ElementCount));
        var tasks = new string[n];
        for (int i = 0; i < n; i++)
        {
            int t = (int)slice.Numeric["task_index"][i];
            tasks[i] = t >= 0 && t < Tasks.Count ? Tasks[t] : throw new DatasetFormatException($"{DataPathOf(e)}: task_index {t} is not in the tasks table.");
        }
        if (!keepDefaultColumns)
            foreach (var key in FeatureSpec.DefaultFeatureKeys)
                slice.Numeric.Remove(key);
        return (slice, tasks);
    }

    /// <summary>Decoded frames of one video feature of an episode (needs ffmpeg).</summary>
    internal IReadOnlyList<ImageFrame> EpisodeVideoFrames(EpisodeRecord e, string key) => VideoFramesOf(Info.Feature(key), e);

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
