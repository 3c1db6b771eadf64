using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Tools;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Tests;

public class CrashSafetyTests
{
    private static void AssertEpisodeFrames(LeRobotDataset ds)
    {
        foreach (var e in ds.Episodes)
        {
            var last = ds.GetGlobal(e.DatasetToIndex - 1);
            Assert.Equal([e.EpisodeIndex, 19f, e.EpisodeIndex + 19f, -19f], last["observation.state"].ToFloats());
            Assert.Equal((byte)(e.EpisodeIndex * 13 + 19), last["observation.images.front"].Image.Pixels[0]);
        }
    }

    [Fact]
    public async Task Killing_the_recorder_mid_episode_leaves_saved_episodes_readable_and_valid()
    {
        using var dir = new TempDir();
        string root = dir.Sub("ds");
        using (var child = new RecorderProcess(root, "mid-episode", 3))
        {
            child.WaitFor("SAVED 3", TimeSpan.FromSeconds(60));
            child.WaitFor("RECORDING", TimeSpan.FromSeconds(30));
            child.Kill();
        }
        var ds = await LeRobotDataset.OpenAsync(root);
        Assert.Equal(3, ds.Episodes.Count);
        Assert.Equal(60, ds.Count);
        AssertEpisodeFrames(ds);
        var report = await DatasetValidator.ValidateAsync(root);
        Assert.True(report.IsValid, report.First);

        // and recording resumes on top of it
        var recorder = await DatasetRecorder.OpenAsync(root);
        Assert.Equal(3, recorder.Info.TotalEpisodes);
    }

    [Fact]
    public async Task Killing_the_recorder_while_it_saves_never_corrupts_committed_episodes()
    {
        using var dir = new TempDir();
        string root = dir.Sub("ds");
        var random = new Random(5);
        for (int round = 0; round < 3; round++)
        {
            using var child = new RecorderProcess(root, "saving", 0);
            child.WaitFor("SAVED 2", TimeSpan.FromSeconds(60));
            // land somewhere inside a later save: data, metadata, stats and info writes are all in play
            Thread.Sleep(random.Next(0, 120));
            child.Kill();
            var ds = await LeRobotDataset.OpenAsync(root);
            Assert.True(ds.Episodes.Count >= 2 * (round + 1));
            AssertEpisodeFrames(ds);
            // A recorder reopening it repairs any half-written save, after which the dataset validates.
            await DatasetRecorder.OpenAsync(root);
            var report = await DatasetValidator.ValidateAsync(root);
            Assert.True(report.IsValid, report.First);
        }
    }
}

public class RecorderRepairTests
{
    /// <summary>
    /// The state a kill leaves just before the commit point: the third episode's data rows, episode row and
    /// stats are on disk, info.json still counts two episodes.
    /// </summary>
    [Fact]
    public async Task Reopening_after_a_save_killed_before_its_commit_point_drops_the_uncommitted_episode()
    {
        using var dir = new TempDir();
        string root = dir.Sub("ds");
        var recorder = DatasetRecorder.Create(root, SyntheticEpisodes.Fps, SyntheticEpisodes.Features());
        await SyntheticEpisodes.RecordAsync(recorder, 0, 6);
        await SyntheticEpisodes.RecordAsync(recorder, 1, 8);
        string info = File.ReadAllText(Path.Combine(root, "meta/info.json"));
        await SyntheticEpisodes.RecordAsync(recorder, 2, 5);
        File.WriteAllText(Path.Combine(root, "meta/info.json"), info);

        var ds = await LeRobotDataset.OpenAsync(root);
        Assert.Equal(2, ds.Episodes.Count);
        Assert.Equal(14, ds.Count);
        Assert.False((await DatasetValidator.ValidateAsync(root)).IsValid); // stale rows are still there

        var reopened = await DatasetRecorder.OpenAsync(root);
        var report = await DatasetValidator.ValidateAsync(root);
        Assert.True(report.IsValid, report.First);
        Assert.Equal(14, reopened.Stats["action"].N);

        await SyntheticEpisodes.RecordAsync(reopened, 3, 4);
        report = await DatasetValidator.ValidateAsync(root);
        Assert.True(report.IsValid, report.First);
        var after = await LeRobotDataset.OpenAsync(root);
        Assert.Equal(3, after.Episodes.Count);
        Assert.Equal(SyntheticEpisodes.Action(3, 3), after.GetGlobal(17)["action"].ToFloats());
    }
}
