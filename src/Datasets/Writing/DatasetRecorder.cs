using System.IO.Compression;
using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Parquet;
using RobotActors.Datasets.Stats;
using RobotActors.Datasets.Video;

namespace RobotActors.Datasets.Writing;

/// <summary>
/// The recording API (LeRobotDataset.create / add_frame / save_episode / clear_episode_buffer / finalize).
///
/// Crash safety: every saved episode is on disk in a complete, valid dataset before SaveEpisodeAsync
/// returns. Each file is replaced by write-to-temporary + fsync + rename, in the order data → videos →
/// tasks → episodes metadata → stats → info.json; info.json's totals are the commit point. Opening a
/// dataset that a killed recorder left behind drops whatever lies past that commit point.
/// </summary>
public sealed class DatasetRecorder
{
    private readonly string _root;
    private readonly DatasetInfo _info;
    private readonly List<string> _tasks;
    private readonly List<EpisodeRecord> _episodes;
    private readonly EpisodeBuffer _buffer;
    private Dictionary<string, FeatureStats> _stats;
    private int _dataChunk, _dataFile, _metaChunk, _metaFile;
    private readonly Dictionary<string, (int Chunk, int File)> _videoFile = [];

    private DatasetRecorder(string root, DatasetInfo info, List<string> tasks, List<EpisodeRecord> episodes, Dictionary<string, FeatureStats> stats)
    {
        _root = root;
        _info = info;
        _tasks = tasks;
        _episodes = episodes;
        _stats = stats;
        _buffer = new EpisodeBuffer(info);
        var last = episodes.LastOrDefault();
        if (last is not null)
        {
            (_dataChunk, _dataFile) = (last.DataChunkIndex, last.DataFileIndex);
            (_metaChunk, _metaFile) = (last.MetaChunkIndex, last.MetaFileIndex);
            foreach (var (k, v) in last.Videos)
                _videoFile[k] = (v.ChunkIndex, v.FileIndex);
        }
    }

    public DatasetInfo Info => _info;
    public string Root => _root;
    public int BufferedFrames => _buffer.Count;
    public IReadOnlyList<EpisodeRecord> Episodes => _episodes;
    public IReadOnlyDictionary<string, FeatureStats> Stats => _stats;

    /// <summary>PNG compression for image features; Fastest keeps recording real-time.</summary>
    public CompressionLevel PngCompression { get; set; } = CompressionLevel.Fastest;

    public VideoEncoderOptions VideoOptions { get; set; } = new();

    public static DatasetRecorder Create(string root, int fps, IEnumerable<FeatureSpec> features, string? robotType = null,
        double dataFilesSizeInMb = DatasetPaths.DefaultDataFilesSizeInMb)
    {
        if (File.Exists(Path.Combine(root, DatasetPaths.InfoPath)))
            throw new DatasetFormatException($"A dataset already exists at {root}; open it with DatasetRecorder.Open to add episodes, or choose another root.");
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            throw new DatasetFormatException($"{root} exists and is not empty; choose a new folder for the dataset.");
        var info = DatasetInfo.Create(fps, features, robotType);
        info.DataFilesSizeInMb = dataFilesSizeInMb;
        Directory.CreateDirectory(Path.Combine(root, "meta"));
        info.Save(root);
        return new DatasetRecorder(root, info, [], [], []);
    }

    /// <summary>Opens an existing v3.0 dataset to add episodes, first undoing any half-finished save.</summary>
    public static async Task<DatasetRecorder> OpenAsync(string root)
    {
        var info = DatasetInfo.Load(root);
        if (info.CodebaseVersion != DatasetPaths.CodebaseVersion)
            throw new DatasetFormatException($"{root} is a {info.CodebaseVersion} dataset; convert it first with `robotactors dataset convert {root}`.");
        AtomicFile.RemoveLeftovers(root);
        var all = await EpisodesTable.LoadAllAsync(root);
        if (all.Count < info.TotalEpisodes)
            throw new DatasetFormatException($"{root}: meta/info.json counts {info.TotalEpisodes} episodes but meta/episodes has {all.Count}; the metadata is damaged (run `robotactors dataset validate`).");
        var episodes = all.Take((int)info.TotalEpisodes).ToList();
        foreach (var e in episodes)
            StatsShapes.Apply(info, e.Stats);
        var tasks = await TasksTable.LoadAsync(root);
        var recorder = new DatasetRecorder(root, info, tasks, episodes, StatsAggregator.AggregateAll(episodes.Select(e => e.Stats)));
        await recorder.RepairAsync(all.Count > episodes.Count);
        return recorder;
    }

    /// <summary>Drops rows and files a killed save wrote past info.json's commit point.</summary>
    private async Task RepairAsync(bool metadataAhead)
    {
        var last = _episodes.LastOrDefault();
        if (last is not null)
        {
            string dataPath = Path.Combine(_root, _info.DataFile(last.DataChunkIndex, last.DataFileIndex));
            long expected = _episodes.Where(e => e.DataChunkIndex == last.DataChunkIndex && e.DataFileIndex == last.DataFileIndex).Sum(e => e.Length);
            if (File.Exists(dataPath) && await ParquetTable.CountRowsAsync(dataPath) > expected)
            {
                var block = await DataFile.ReadAsync(dataPath, _info);
                var keep = block.Slice(0, (int)expected, Widths(_info));
                await DataFile.RewriteAsync(dataPath, _info, [keep]);
            }
        }
        if (metadataAhead)
        {
            var inFile = _episodes.Where(e => e.MetaChunkIndex == _metaChunk && e.MetaFileIndex == _metaFile).ToList();
            await EpisodesTable.WriteAsync(_root, _info, _metaChunk, _metaFile, inFile);
        }
        StatsJson.Save(_root, _stats);
    }

    internal static Dictionary<string, int> Widths(DatasetInfo info)
        => info.Features.Where(f => f.IsNumeric).ToDictionary(f => f.Key, f => f.ElementCount);

    public void AddFrame(IReadOnlyDictionary<string, object> frame, string task) => _buffer.Add(frame, task);

    /// <summary>Forgets the frames of the episode in progress (LeRobot's clear_episode_buffer, used to re-record).</summary>
    public void DiscardEpisode() => _buffer.Clear();

    public async Task<EpisodeRecord> SaveEpisodeAsync()
    {
        int n = _buffer.Count;
        if (n == 0)
            throw new DatasetFormatException("save_episode with no frames: add frames first, or discard the episode.");
        long episodeIndex = _info.TotalEpisodes;
        long from = _info.TotalFrames;
        var block = BuildBlock(n, episodeIndex, from, out bool tasksChanged);
        var stats = StatsComputer.Episode(_info, n, block.Numeric, (k, i) => _buffer.Images[k][i]);
        var record = new EpisodeRecord
        {
            EpisodeIndex = episodeIndex,
            Tasks = _buffer.Tasks.Distinct().ToList(),
            Length = n,
            DatasetFromIndex = from,
            DatasetToIndex = from + n,
            Stats = stats,
        };
        await WriteDataAsync(block, record);
        foreach (var f in _info.VideoFeatures)
            await WriteVideoAsync(f, record);
        if (tasksChanged)
            await TasksTable.SaveAsync(_root, _tasks);
        await WriteEpisodeMetadataAsync(record);
        var aggregated = _stats.Count == 0 ? stats : StatsAggregator.AggregateAll([_stats, stats]);
        StatsJson.Save(_root, aggregated);
        _info.TotalEpisodes++;
        _info.TotalFrames += n;
        _info.TotalTasks = _tasks.Count;
        _info.Save(_root);
        _stats = aggregated;
        _episodes.Add(record);
        _buffer.Clear();
        return record;
    }

    private FrameBlock BuildBlock(int n, long episodeIndex, long from, out bool tasksChanged)
    {
        var block = new FrameBlock { RowCount = n };
        tasksChanged = false;
        var taskIndex = new double[n];
        for (int i = 0; i < n; i++)
        {
            int t = _tasks.IndexOf(_buffer.Tasks[i]);
            if (t < 0)
            {
                _tasks.Add(_buffer.Tasks[i]);
                t = _tasks.Count - 1;
                tasksChanged = true;
            }
            taskIndex[i] = t;
        }
        foreach (var f in _info.Features)
        {
            if (f.IsNumeric && !f.IsDefault)
                block.Numeric[f.Key] = _buffer.NumericValues(f.Key);
        }
        // timestamp = frame_index / fps, stored as float32 as LeRobot's add_frame does.
        block.Numeric["timestamp"] = Enumerable.Range(0, n).Select(i => (double)(float)((double)i / _info.Fps)).ToArray();
        block.Numeric["frame_index"] = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        block.Numeric["episode_index"] = Enumerable.Repeat((double)episodeIndex, n).ToArray();
        block.Numeric["index"] = Enumerable.Range(0, n).Select(i => (double)(from + i)).ToArray();
        block.Numeric["task_index"] = taskIndex;
        foreach (var f in _info.ImageFeatures)
        {
            var frames = _buffer.Images[f.Key];
            var pngs = new byte[n][];
            Parallel.For(0, n, i => pngs[i] = Png.Encode(frames[i], PngCompression));
            block.Images[f.Key] = pngs;
        }
        return block;
    }

    private async Task WriteDataAsync(FrameBlock block, EpisodeRecord record)
    {
        string path = Path.Combine(_root, _info.DataFile(_dataChunk, _dataFile));
        bool referenced = _episodes.Any(e => e.DataChunkIndex == _dataChunk && e.DataFileIndex == _dataFile);
        if (referenced && File.Exists(path))
        {
            double sizeMb = new FileInfo(path).Length / (1024.0 * 1024.0);
            if (sizeMb + EstimateMb(block) >= _info.DataFilesSizeInMb)
            {
                (_dataChunk, _dataFile) = DatasetPaths.Next(_dataChunk, _dataFile, _info.ChunksSize);
                path = Path.Combine(_root, _info.DataFile(_dataChunk, _dataFile));
                referenced = false;
            }
        }
        if (!referenced && File.Exists(path))
            File.Delete(path); // written by a save that never committed
        await DataFile.AppendAsync(path, _info, block);
        record.DataChunkIndex = _dataChunk;
        record.DataFileIndex = _dataFile;
    }

    private static double EstimateMb(FrameBlock block)
        => (block.Numeric.Values.Sum(v => v.Length * 4.0) + block.Images.Values.Sum(v => v.Sum(b => (double)b.Length))) / (1024.0 * 1024.0);

    private async Task WriteVideoAsync(FeatureSpec f, EpisodeRecord record)
    {
        var (chunk, file) = _videoFile.GetValueOrDefault(f.Key);
        var inFile = _episodes.Where(e => e.Videos.TryGetValue(f.Key, out var v) && v.ChunkIndex == chunk && v.FileIndex == file).ToList();
        string path = Path.Combine(_root, _info.VideoFile(f.Key, chunk, file));
        double from = inFile.Count == 0 ? 0 : inFile[^1].Videos[f.Key].ToTimestamp;
        if (inFile.Count > 0 && File.Exists(path) && new FileInfo(path).Length / (1024.0 * 1024.0) >= _info.VideoFilesSizeInMb)
        {
            (chunk, file) = DatasetPaths.Next(chunk, file, _info.ChunksSize);
            path = Path.Combine(_root, _info.VideoFile(f.Key, chunk, file));
            inFile.Clear();
            from = 0;
        }
        if (inFile.Count == 0 && File.Exists(path))
            File.Delete(path);
        double duration = await VideoFiles.AppendEpisodeAsync(path, _buffer.Images[f.Key], _info.Fps, VideoOptions);
        _videoFile[f.Key] = (chunk, file);
        record.Videos[f.Key] = new VideoSegment(chunk, file, from, from + duration);
    }

    private async Task WriteEpisodeMetadataAsync(EpisodeRecord record)
    {
        var inFile = _episodes.Where(e => e.MetaChunkIndex == _metaChunk && e.MetaFileIndex == _metaFile).ToList();
        string path = Path.Combine(_root, EpisodesTable.PathOf(_metaChunk, _metaFile));
        if (inFile.Count > 0 && File.Exists(path) && new FileInfo(path).Length / (1024.0 * 1024.0) >= _info.DataFilesSizeInMb)
        {
            (_metaChunk, _metaFile) = DatasetPaths.Next(_metaChunk, _metaFile, _info.ChunksSize);
            inFile.Clear();
        }
        record.MetaChunkIndex = _metaChunk;
        record.MetaFileIndex = _metaFile;
        inFile.Add(record);
        await EpisodesTable.WriteAsync(_root, _info, _metaChunk, _metaFile, inFile);
    }

    /// <summary>
    /// LeRobot's finalize(): everything is already flushed after each save here, so this only refuses to
    /// lose an unsaved episode silently.
    /// </summary>
    public void FinalizeDataset()
    {
        if (_buffer.Count > 0)
            throw new DatasetFormatException($"{_buffer.Count} frames of an unsaved episode are buffered; save or discard the episode before finalize.");
    }
}
