using System.Globalization;
using Parquet;
using Parquet.Schema;
using RobotActors.Datasets.Parquet;
using RobotActors.Datasets.Stats;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Format;

/// <summary>
/// meta/episodes/chunk-XXX/file-XXX.parquet: episode_index, tasks (list of str), length, the data file
/// and frame range, per video key its file and [from, to) timestamps, the metadata file's own indices,
/// and the episode's stats flattened as "stats/&lt;feature&gt;/&lt;stat&gt;" list columns.
/// </summary>
public static class EpisodesTable
{
    public static string PathOf(int chunk, int file) => DatasetPaths.Format(DatasetPaths.DefaultEpisodesPath, chunk, file);

    public static async Task<List<EpisodeRecord>> LoadAllAsync(string root)
    {
        string dir = Path.Combine(root, "meta", "episodes");
        if (!Directory.Exists(dir))
            return [];
        var files = Directory.EnumerateFiles(dir, "file-*.parquet", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).ToList();
        var result = new List<EpisodeRecord>();
        foreach (var f in files)
            result.AddRange(await ReadAsync(f));
        return result.OrderBy(e => e.EpisodeIndex).ToList();
    }

    public static async Task<List<EpisodeRecord>> ReadAsync(string path)
    {
        var cols = await ParquetTable.ReadAsync(path);
        LeafRows Col(string name) => cols.GetValueOrDefault(name)
            ?? throw new DatasetFormatException($"{path}: episodes metadata has no '{name}' column.");
        long Long(string name, int r) => (long)Col(name).RowDoubles(r)[0];
        int rows = Col("episode_index").RowCount;
        var result = new List<EpisodeRecord>(rows);
        var videoKeys = cols.Keys.Where(k => k.StartsWith("videos/", StringComparison.Ordinal) && k.EndsWith("/chunk_index", StringComparison.Ordinal))
            .Select(k => k["videos/".Length..^"/chunk_index".Length]).ToList();
        var statColumns = cols.Keys.Where(k => k.StartsWith("stats/", StringComparison.Ordinal))
            .Select(k => (Column: k, Feature: k["stats/".Length..k.LastIndexOf('/')], Stat: k[(k.LastIndexOf('/') + 1)..])).ToList();
        for (int r = 0; r < rows; r++)
        {
            var e = new EpisodeRecord
            {
                EpisodeIndex = Long("episode_index", r),
                Tasks = cols.TryGetValue("tasks", out var t) ? t.RowStrings(r).ToList() : [],
                Length = Long("length", r),
                DataChunkIndex = (int)Long("data/chunk_index", r),
                DataFileIndex = (int)Long("data/file_index", r),
                DatasetFromIndex = Long("dataset_from_index", r),
                DatasetToIndex = Long("dataset_to_index", r),
                MetaChunkIndex = cols.ContainsKey("meta/episodes/chunk_index") ? (int)Long("meta/episodes/chunk_index", r) : 0,
                MetaFileIndex = cols.ContainsKey("meta/episodes/file_index") ? (int)Long("meta/episodes/file_index", r) : 0,
            };
            foreach (var key in videoKeys)
                e.Videos[key] = new VideoSegment(
                    (int)Long($"videos/{key}/chunk_index", r), (int)Long($"videos/{key}/file_index", r),
                    Col($"videos/{key}/from_timestamp").RowDoubles(r)[0], Col($"videos/{key}/to_timestamp").RowDoubles(r)[0]);
            foreach (var (column, feature, stat) in statColumns)
            {
                var values = cols[column].RowDoubles(r);
                if (values.Length == 0)
                    continue;
                if (!e.Stats.TryGetValue(feature, out var fs))
                    e.Stats[feature] = fs = new FeatureStats([]);
                fs[stat] = values;
            }
            result.Add(e);
        }
        return result;
    }

    /// <summary>Writes the episodes of one metadata file atomically (temporary file, then rename).</summary>
    public static async Task WriteAsync(string root, DatasetInfo info, int chunk, int file, IReadOnlyList<EpisodeRecord> episodes)
    {
        string path = Path.Combine(root, PathOf(chunk, file));
        var videoKeys = info.VideoFeatures.Select(f => f.Key).ToList();
        var statKeys = info.Features.Where(f => f.IsNumeric || f.IsVisual)
            .Where(f => episodes.All(e => e.Stats.ContainsKey(f.Key))).ToList();
        var fields = new List<Field>
        {
            new DataField<long>("episode_index"),
            new ListField("tasks", new DataField<string>("element")),
            new DataField<long>("length"),
            new DataField<long>("data/chunk_index"),
            new DataField<long>("data/file_index"),
            new DataField<long>("dataset_from_index"),
            new DataField<long>("dataset_to_index"),
        };
        foreach (var k in videoKeys)
        {
            fields.Add(new DataField<long>($"videos/{k}/chunk_index"));
            fields.Add(new DataField<long>($"videos/{k}/file_index"));
            fields.Add(new DataField<double>($"videos/{k}/from_timestamp"));
            fields.Add(new DataField<double>($"videos/{k}/to_timestamp"));
        }
        fields.Add(new DataField<long>("meta/episodes/chunk_index"));
        fields.Add(new DataField<long>("meta/episodes/file_index"));
        var statFields = new List<(Field Field, string Feature, string Stat, int[] Dims)>();
        foreach (var f in statKeys)
        {
            var shape = episodes[0].Stats[f.Key].Shape;
            if (shape.Length == 0)
                shape = [episodes[0].Stats[f.Key][FeatureStats.Mean].Length];
            foreach (var stat in FeatureStats.AllNames)
            {
                if (!episodes.All(e => e.Stats[f.Key].Values.ContainsKey(stat)))
                    continue;
                int[] dims = stat == FeatureStats.Count ? [1] : shape;
                var type = stat == FeatureStats.Count ? typeof(long) : typeof(double);
                statFields.Add((ColumnWriter.FieldFor($"stats/{f.Key}/{stat}", type, dims.Length), f.Key, stat, dims));
            }
        }
        fields.AddRange(statFields.Select(s => s.Field));
        var schema = new ParquetSchema(fields);
        await AtomicFile.WriteAsync(path, async fs =>
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, fs);
            using var rg = writer.CreateRowGroup();
            var leaves = schema.GetDataFields();
            async Task Longs(string name, Func<EpisodeRecord, long> get)
                => await rg.WriteAsync<long>(leaves.First(l => l.Path.ToList()[0] == name), episodes.Select(get).ToArray());
            async Task Doubles(string name, Func<EpisodeRecord, double> get)
                => await rg.WriteAsync<double>(leaves.First(l => l.Path.ToList()[0] == name), episodes.Select(get).ToArray());
            await Longs("episode_index", e => e.EpisodeIndex);
            await ColumnWriter.WriteStringListsAsync(rg, fields[1], episodes.Select(e => (IReadOnlyList<string>)e.Tasks).ToList());
            await Longs("length", e => e.Length);
            await Longs("data/chunk_index", e => e.DataChunkIndex);
            await Longs("data/file_index", e => e.DataFileIndex);
            await Longs("dataset_from_index", e => e.DatasetFromIndex);
            await Longs("dataset_to_index", e => e.DatasetToIndex);
            foreach (var k in videoKeys)
            {
                VideoSegment V(EpisodeRecord e) => e.Videos.TryGetValue(k, out var v) ? v
                    : throw new DatasetFormatException($"Episode {e.EpisodeIndex} has no segment for video '{k}'.");
                await Longs($"videos/{k}/chunk_index", e => V(e).ChunkIndex);
                await Longs($"videos/{k}/file_index", e => V(e).FileIndex);
                await Doubles($"videos/{k}/from_timestamp", e => V(e).FromTimestamp);
                await Doubles($"videos/{k}/to_timestamp", e => V(e).ToTimestamp);
            }
            await Longs("meta/episodes/chunk_index", _ => chunk);
            await Longs("meta/episodes/file_index", _ => file);
            foreach (var (field, feature, stat, dims) in statFields)
            {
                var flat = episodes.SelectMany(e => e.Stats[feature][stat]).ToArray();
                if (stat == FeatureStats.Count)
                    await ColumnWriter.WriteAsync(rg, field, Array.ConvertAll(flat, v => (long)v), dims);
                else
                    await ColumnWriter.WriteAsync(rg, field, flat, dims);
            }
        });
    }

    public static string Describe(EpisodeRecord e)
        => string.Create(CultureInfo.InvariantCulture, $"episode {e.EpisodeIndex}: {e.Length} frames [{e.DatasetFromIndex}, {e.DatasetToIndex})");
}
