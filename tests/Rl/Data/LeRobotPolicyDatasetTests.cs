using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Writing;
using RobotActors.Policies.Configs;
using RobotActors.Rl.Data;
using TorchSharp;

namespace RobotActors.Rl.Tests.Data;

public class LeRobotPolicyDatasetTests : IDisposable
{
    private readonly string _root = Path.Combine(Directory.CreateTempSubdirectory("policy-dataset-").FullName, "ds");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_root)!, recursive: true);

    /// <summary>Episodes of 3 and 5 frames at 10 fps; frame i of the dataset has state i, action -i and a 4×4 image of value i.</summary>
    private async Task<LeRobotPolicyDataset> RecordAsync()
    {
        var recorder = DatasetRecorder.Create(_root, 10,
        [
            FeatureSpec.Camera("observation.images.front", 4, 4),
            FeatureSpec.Numeric("observation.state", DTypes.Float32, [2], ["a", "b"]),
            FeatureSpec.Numeric("action", DTypes.Float32, [2], ["a", "b"]),
            FeatureSpec.Numeric("next.reward", DTypes.Float32, [1]),
        ], "so101_follower");
        var frame = 0;
        foreach (var length in new[] { 3, 5 })
        {
            for (var i = 0; i < length; i++, frame++)
                recorder.AddFrame(new Dictionary<string, object>
                {
                    ["observation.images.front"] = new ImageFrame(4, 4, 3, Enumerable.Repeat((byte)frame, 48).ToArray()),
                    ["observation.state"] = new float[] { frame, frame },
                    ["action"] = new float[] { -frame, -frame },
                    ["next.reward"] = new float[] { frame * 0.5f },
                }, "task");
            await recorder.SaveEpisodeAsync();
        }
        recorder.FinalizeDataset();
        return new LeRobotPolicyDataset(Datasets.Reading.LeRobotDataset.Open(_root));
    }

    [Fact]
    public async Task Delta_indices_read_through_delta_timestamps_stack_every_modality_and_mark_padding_at_episode_edges()
    {
        var dataset = await RecordAsync();
        Assert.Equal(new[] { (0, 3), (3, 8) }, dataset.Episodes);
        var batch = dataset.GetBatch([0, 7], new Dictionary<string, int[]>
        {
            ["observation.state"] = [-1, 0],
            ["observation.images.front"] = [-1, 0],
            ["action"] = [-1, 0, 1, 2],
            ["next.reward"] = [0, 1],
        });
        Assert.Equal(new long[] { 2, 2, 2 }, batch["observation.state"].shape);
        Assert.Equal(new long[] { 2, 2, 3, 4, 4 }, batch["observation.images.front"].shape);
        Assert.Equal(new long[] { 2, 4, 2 }, batch["action"].shape);
        Assert.Equal(new long[] { 2, 2 }, batch["next.reward"].shape);
        // Frame 0 starts episode 0: the previous state is padding (a copy of frame 0).
        Assert.Equal(new float[] { 0, 0, 6, 7 }, batch["observation.state"][.., .., 0].flatten().data<float>().ToArray());
        Assert.Equal(new[] { true, false, false, false }, batch["observation.state_is_pad"].flatten().data<bool>().ToArray());
        Assert.Equal(new[] { true, false, false, false }, batch["observation.images.front_is_pad"].flatten().data<bool>().ToArray());
        Assert.Equal(6f / 255, batch["observation.images.front"][1, 0, 0, 0, 0].item<float>(), 5);
        // Frame 7 ends episode 1: actions after it repeat it and are padding.
        Assert.Equal(new float[] { -0, -0, -1, -2, -6, -7, -7, -7 }, batch["action"][.., .., 0].flatten().data<float>().ToArray());
        Assert.Equal(new[] { true, false, false, false, false, false, true, true }, batch["action_is_pad"].flatten().data<bool>().ToArray());
        Assert.Equal(new[] { false, false, false, true }, batch["next.reward_is_pad"].flatten().data<bool>().ToArray());
        Assert.Equal(new long[] { 0, 1 }, batch["episode_index"].data<long>().ToArray());

        var plain = dataset.GetBatch([4]);
        Assert.Equal(new long[] { 1, 2 }, plain["observation.state"].shape);
        Assert.False(plain.ContainsKey("action_is_pad"));
    }

    [Fact]
    public async Task An_offset_on_a_key_the_dataset_lacks_is_refused_by_name()
    {
        var dataset = await RecordAsync();
        var e = Assert.ThrowsAny<Exception>(() => dataset.GetBatch([0], new Dictionary<string, int[]> { ["observation.environment_state"] = [0] }));
        Assert.Contains("observation.environment_state", e.Message);
    }
}
