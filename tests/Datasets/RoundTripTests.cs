using RobotActors.Datasets.Format;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Stats;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Tests;

public class RoundTripTests
{
    private static readonly int[] Lengths = [7, 12, 5];

    private static async Task<DatasetRecorder> WriteAsync(string root, double dataFilesSizeInMb = 100)
    {
        var recorder = DatasetRecorder.Create(root, SyntheticEpisodes.Fps, SyntheticEpisodes.Features(), "so101_follower", dataFilesSizeInMb);
        for (int e = 0; e < Lengths.Length; e++)
        {
            if (e == 1)
            {
                // A take that is thrown away (re-record) must leave no trace.
                for (int i = 0; i < 4; i++)
                    recorder.AddFrame(SyntheticEpisodes.Frame(99, i, 4), "discarded task");
                recorder.DiscardEpisode();
            }
            await SyntheticEpisodes.RecordAsync(recorder, e, Lengths[e]);
        }
        recorder.FinalizeDataset();
        return recorder;
    }

    [Theory]
    [InlineData(100.0)]
    [InlineData(0.0001)] // forces a new data file for every episode
    public async Task Written_dataset_reads_back_identical_frames_boundaries_and_stats(double sizeMb)
    {
        using var dir = new TempDir();
        var recorder = await WriteAsync(dir.Path, sizeMb);
        var ds = await LeRobotDataset.OpenAsync(dir.Path);

        Assert.Equal(Lengths.Sum(), ds.Count);
        Assert.Equal(3, ds.Info.TotalEpisodes);
        Assert.Equal(["pick the cube", "push the cube"], ds.Tasks);
        long from = 0;
        for (int e = 0; e < Lengths.Length; e++)
        {
            var ep = ds.Episodes[e];
            Assert.Equal((long)e, ep.EpisodeIndex);
            Assert.Equal(from, ep.DatasetFromIndex);
            Assert.Equal(from + Lengths[e], ep.DatasetToIndex);
            Assert.Equal([SyntheticEpisodes.Task(e)], ep.Tasks);
            if (sizeMb < 1)
                Assert.Equal(e, ep.DataFileIndex);
            for (int i = 0; i < Lengths[e]; i++)
            {
                var f = ds.GetGlobal(from + i);
                Assert.Equal(SyntheticEpisodes.State(e, i), f["observation.state"].ToFloats());
                Assert.Equal(SyntheticEpisodes.Action(e, i), f["action"].ToFloats());
                Assert.Equal(i == Lengths[e] - 1, f["next.done"].ToBools()[0]);
                Assert.True(SyntheticEpisodes.Image(e, i).SameAs(f["observation.images.cam"].Image));
                Assert.Equal(from + i, f.Index);
                Assert.Equal(e, f.EpisodeIndex);
                Assert.Equal(i, f.FrameIndex);
                Assert.Equal((float)i / SyntheticEpisodes.Fps, (float)f.Timestamp);
                Assert.Equal(SyntheticEpisodes.Task(e), f.Task);
            }
            from += Lengths[e];
        }

        // stats.json equals what the recorder aggregated and what a fresh computation over the data gives.
        foreach (var (key, s) in recorder.Stats)
            Assert.True(s.CompareTo(ds.Stats[key]).Difference < 1e-9, key);
        var state = ds.Stats["observation.state"];
        var all = Enumerable.Range(0, Lengths.Length).SelectMany(e => Enumerable.Range(0, Lengths[e]).Select(i => SyntheticEpisodes.State(e, i))).ToArray();
        for (int d = 0; d < 3; d++)
        {
            var column = all.Select(v => (double)v[d]).ToArray();
            double mean = column.Average();
            Assert.Equal(column.Min(), state[FeatureStats.Min][d], 6);
            Assert.Equal(column.Max(), state[FeatureStats.Max][d], 6);
            Assert.Equal(mean, state[FeatureStats.Mean][d], 6);
            Assert.Equal(Math.Sqrt(column.Average(v => (v - mean) * (v - mean))), state[FeatureStats.Std][d], 6);
        }
        Assert.Equal(Lengths.Sum(), state.N);
        Assert.Equal([3, 1, 1], ds.Stats["observation.images.cam"].Shape);
        Assert.InRange(ds.Stats["observation.images.cam"][FeatureStats.Mean][0], 0.0, 1.0);
        // per-episode stats survive the episodes metadata round trip
        Assert.True(recorder.Episodes[1].Stats["action"].CompareTo(ds.Episodes[1].Stats["action"]).Difference < 1e-9);
    }

    [Fact]
    public async Task Info_json_has_the_default_features_and_templates_LeRobot_expects()
    {
        using var dir = new TempDir();
        await WriteAsync(dir.Path);
        var info = DatasetInfo.Load(dir.Path);
        Assert.Equal("v3.0", info.CodebaseVersion);
        Assert.Equal(DatasetPaths.DefaultDataPath, info.DataPath);
        Assert.Null(info.VideoPath);
        foreach (var key in FeatureSpec.DefaultFeatureKeys)
            Assert.True(info.HasFeature(key), key);
        Assert.Equal("float32", info.Feature("timestamp").DType);
        Assert.Equal(24, info.TotalFrames);
        Assert.Equal(2, info.TotalTasks);
        Assert.True(File.Exists(Path.Combine(dir.Path, "meta/tasks.parquet")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "meta/episodes/chunk-000/file-000.parquet")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "data/chunk-000/file-000.parquet")));
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Reopened_recorder_appends_episodes_and_keeps_stats_consistent()
    {
        using var dir = new TempDir();
        await WriteAsync(dir.Path);
        var again = await DatasetRecorder.OpenAsync(dir.Path);
        await SyntheticEpisodes.RecordAsync(again, 3, 9);
        var ds = await LeRobotDataset.OpenAsync(dir.Path);
        Assert.Equal(4, ds.Episodes.Count);
        Assert.Equal(33, ds.Count);
        Assert.Equal(24, ds.Episodes[3].DatasetFromIndex);
        Assert.Equal(SyntheticEpisodes.Action(3, 8), ds.GetGlobal(32)["action"].ToFloats());
        Assert.Equal(33, ds.Stats["action"].N);
    }

    [Fact]
    public void A_frame_with_the_wrong_shape_is_refused_and_names_the_feature()
    {
        using var dir = new TempDir();
        var recorder = DatasetRecorder.Create(dir.Path, 10, SyntheticEpisodes.Features());
        var frame = SyntheticEpisodes.Frame(0, 0, 1);
        frame["action"] = new float[] { 1, 2, 3 };
        var e = Assert.Throws<DatasetFormatException>(() => recorder.AddFrame(frame, "t"));
        Assert.Contains("'action'", e.Message);
        Assert.Equal(0, recorder.BufferedFrames);
    }
}
