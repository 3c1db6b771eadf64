using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Training;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Tests;

public class TrainingAccessTests : IClassFixture<TrainingAccessTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        private readonly TempDir _dir = new();

        public Fixture()
        {
            Root = _dir.Sub("ds");
            var recorder = DatasetRecorder.Create(Root, SyntheticEpisodes.Fps, SyntheticEpisodes.Features());
            foreach (var (e, n) in new[] { (0, 7), (1, 12), (2, 5) })
                SyntheticEpisodes.RecordAsync(recorder, e, n).GetAwaiter().GetResult();
        }

        public string Root { get; }

        public void Dispose() => _dir.Dispose();
    }

    private readonly string _root;

    public TrainingAccessTests(Fixture fixture) => _root = fixture.Root;

    [Fact]
    public void Delta_timestamps_become_offsets_clamped_to_the_episode_with_pad_masks()
    {
        var ds = LeRobotDataset.Open(_root);
        var delta = new DeltaTimestamps(new Dictionary<string, double[]>
        {
            ["action"] = [-0.1, 0, 0.1, 0.2],
            ["observation.images.cam"] = [-0.1, 0],
        });
        // first frame of episode 1 (global 7)
        var f = ds.Get(7, delta);
        Assert.Equal([4, 2], f["action"].Shape);
        Assert.Equal(new[] { 0, 0, 1, 2 }.SelectMany(i => SyntheticEpisodes.Action(1, i)), f["action"].ToFloats());
        Assert.Equal([true, false, false, false], f["action_is_pad"].ToBools());
        Assert.True(SyntheticEpisodes.Image(1, 0).SameAs(f["observation.images.cam"].Images![0]));
        Assert.Equal([true, false], f["observation.images.cam_is_pad"].ToBools());
        // last frame of episode 1 (global 18): the future is padded with the edge frame
        var g = ds.Get(18, delta);
        Assert.Equal(new[] { 10, 11, 11, 11 }.SelectMany(i => SyntheticEpisodes.Action(1, i)), g["action"].ToFloats());
        Assert.Equal([false, false, true, true], g["action_is_pad"].ToBools());
        Assert.Equal(SyntheticEpisodes.State(1, 11), g["observation.state"].ToFloats());
    }

    [Fact]
    public void Delta_timestamps_off_the_frame_grid_are_refused()
    {
        var ds = LeRobotDataset.Open(_root);
        var e = Assert.Throws<DatasetFormatException>(() => ds.Get(0, new DeltaTimestamps(new Dictionary<string, double[]> { ["action"] = [0.05] })));
        Assert.Contains("not a multiple of 1/fps", e.Message);
    }

    [Fact]
    public void Episode_selection_restricts_items_to_the_chosen_episodes()
    {
        var ds = LeRobotDataset.Open(_root, [2, 0]);
        Assert.Equal(12, ds.Count);
        Assert.Equal(2, ds.Get(0).EpisodeIndex);
        Assert.Equal(0, ds.Get(5).EpisodeIndex);
        Assert.Equal(SyntheticEpisodes.Action(0, 6), ds.Get(11)["action"].ToFloats());
        Assert.Throws<DatasetFormatException>(() => LeRobotDataset.Open(_root, [7]));
    }

    [Fact]
    public void Timestamps_find_their_frame_within_tolerance_despite_float_drift()
    {
        var ds = LeRobotDataset.Open(_root);
        // 0.7 s accumulated in float32 steps of 0.1 is 0.70000005, not 0.7
        float drifted = 0;
        for (int i = 0; i < 7; i++)
            drifted += 0.1f;
        Assert.NotEqual(0.7, (double)drifted);
        Assert.Equal(7, ds.GetByTimestamp(1, drifted).FrameIndex);
        Assert.Throws<DatasetFormatException>(() => ds.GetByTimestamp(1, 0.75));
    }

    [Fact]
    public void Loader_covers_every_item_once_per_epoch_in_a_new_order_with_uint8_images()
    {
        var ds = LeRobotDataset.Open(_root);
        var loader = new DatasetLoader(ds, new DatasetLoaderOptions { BatchSize = 5, Seed = 3, Workers = 2, Prefetch = 2 });
        var epoch1 = loader.ToList();
        var epoch2 = loader.ToList();
        Assert.Equal(5, epoch1.Count);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (long)i), epoch1.SelectMany(b => b.Indices).Order());
        Assert.NotEqual(epoch1.SelectMany(b => b.Indices), epoch2.SelectMany(b => b.Indices));
        var batch = epoch1[0];
        Assert.Equal([5, 2], batch.ShapeOf("action"));
        var pixels = batch.ImagesUInt8("observation.images.cam");
        Assert.Equal(5 * 24 * 32 * 3, pixels.Length);
        var item = ds.Get(batch.Indices[1]);
        Assert.Equal(item["observation.images.cam"].Image.Pixels, pixels.AsSpan(24 * 32 * 3, 24 * 32 * 3).ToArray());
        var chw = batch.ImagesChwFloats("observation.images.cam");
        // channel 2 plane of item 1 starts at offset (1 * 3 + 2) * H * W
        Assert.Equal(item["observation.images.cam"].Image.Pixels[2] / 255f, chw[(1 * 3 + 2) * 24 * 32]);
        Assert.Equal(item["action"].ToFloats(), batch.Floats("action").AsSpan(2, 2).ToArray());
    }

    [Fact]
    public async Task Loader_surfaces_a_read_error_to_the_consumer()
    {
        using var dir = new TempDir();
        string root = dir.Sub("broken");
        var recorder = DatasetRecorder.Create(root, 10, SyntheticEpisodes.Features());
        await SyntheticEpisodes.RecordAsync(recorder, 0, 4);
        var ds = await LeRobotDataset.OpenAsync(root);
        File.Delete(Path.Combine(root, "data/chunk-000/file-000.parquet"));
        var e = Assert.Throws<DatasetFormatException>(() => new DatasetLoader(ds).ToList());
        Assert.Contains("file-000.parquet is missing", e.Message);
    }
}
