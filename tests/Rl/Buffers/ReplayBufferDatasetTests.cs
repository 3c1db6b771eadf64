using RobotActors.Datasets.Format;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Writing;
using RobotActors.Policies.Configs;
using RobotActors.Rl.Buffers;

namespace RobotActors.Rl.Tests.Buffers;

public class ReplayBufferDatasetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("buffer-dataset-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Two demonstrations of 3 frames: the first ends with next.done, the second is cut (no done).</summary>
    private async Task<LeRobotDataset> Demonstrations()
    {
        var root = Path.Combine(_dir, "demos");
        var recorder = DatasetRecorder.Create(root, 10,
        [
            FeatureSpec.Numeric(PolicyKeys.ObservationState, DTypes.Float32, [2]),
            FeatureSpec.Camera(Transitions.Camera, 12, 12),
            FeatureSpec.Numeric(PolicyKeys.Action, DTypes.Float32, [3]),
            FeatureSpec.Numeric(PolicyKeys.Reward, DTypes.Float32, [1]),
            FeatureSpec.Numeric(PolicyKeys.Done, DTypes.Bool, [1]),
            FeatureSpec.Numeric(Transition.DiscretePenaltyKey, DTypes.Float32, [1]),
            FeatureSpec.Numeric(Transition.IsInterventionKey, DTypes.Bool, [1]),
        ]);
        foreach (var (start, doneAtEnd) in new[] { (0, true), (10, false) })
        {
            for (var i = 0; i < 3; i++)
            {
                var id = start + i;
                recorder.AddFrame(new Dictionary<string, object>
                {
                    [PolicyKeys.ObservationState] = new float[] { id, -id },
                    [Transitions.Camera] = Transitions.Frame(id),
                    [PolicyKeys.Action] = new float[] { id / 10f, 0, 1 },
                    [PolicyKeys.Reward] = doneAtEnd && i == 2 ? 1f : 0f,
                    [PolicyKeys.Done] = doneAtEnd && i == 2,
                    [Transition.DiscretePenaltyKey] = i == 1 ? -0.02f : 0f,
                    [Transition.IsInterventionKey] = start == 10,
                }, "pick the cube");
            }
            await recorder.SaveEpisodeAsync();
        }
        return LeRobotDataset.Open(root);
    }

    [Fact]
    public async Task An_offline_buffer_from_a_demonstration_dataset_keeps_rewards_done_truncation_next_frames_and_complementary_info()
    {
        var dataset = await Demonstrations();
        var buffer = ReplayBufferDatasets.FromLeRobotDataset(dataset, capacity: 10, useDrq: false);
        var t = buffer.Transitions().ToList();
        Assert.Equal(6, t.Count);
        Assert.Equal(new[] { 0f, 0, 1, 0, 0, 0 }, t.Select(x => x.Reward));
        Assert.Equal(new[] { false, false, true, false, false, false }, t.Select(x => x.Done));
        Assert.Equal(new[] { false, false, false, false, false, true }, t.Select(x => x.Truncated));
        Assert.Equal(new[] { 0f, -0.02f, 0, 0, -0.02f, 0 }, t.Select(x => x.DiscretePenalty));
        Assert.Equal(new[] { false, false, false, true, true, true }, t.Select(x => x.IsIntervention));
        int[] next = [1, 2, 2, 11, 12, 12];
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(Transitions.Frame(next[i]).Pixels, t[i].NextObservation.Images[Transitions.Camera].Pixels);
            Assert.Equal(new float[] { next[i], -next[i] }, t[i].NextObservation.States[PolicyKeys.ObservationState]);
        }
        Assert.Contains("capacity is 5", Assert.Throws<ArgumentException>(() => ReplayBufferDatasets.FromLeRobotDataset(dataset, capacity: 5)).Message);
        Assert.Contains("lacks observation.images.wrist",
            Assert.Throws<ArgumentException>(() => ReplayBufferDatasets.FromLeRobotDataset(dataset, observationKeys: ["observation.images.wrist"])).Message);
    }

    [Fact]
    public async Task A_buffer_exported_to_a_LeRobot_dataset_reads_back_as_the_same_transitions()
    {
        var buffer = new ReplayBuffer(capacity: 8, useDrq: false);
        foreach (var t in Transitions.Episode(0, 4, done: true).Concat(Transitions.Episode(20, 3, done: false))) buffer.Add(t with { IsIntervention = t.Reward > 10 });
        var root = Path.Combine(_dir, "export");
        Assert.Equal(2, await ReplayBufferDatasets.ToLeRobotDatasetAsync(buffer, root, fps: 10, task: "reach"));

        var dataset = LeRobotDataset.Open(root);
        Assert.Equal(7, dataset.Count);
        Assert.Equal(2, dataset.Episodes.Count);
        Assert.Contains(dataset.Features, f => f.Key == PolicyKeys.Truncated);
        var back = ReplayBufferDatasets.FromLeRobotDataset(dataset, useDrq: false).Transitions().ToList();
        var original = buffer.Transitions().ToList();
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(original[i].Action, back[i].Action);
            Assert.Equal((original[i].Reward, original[i].Done, original[i].IsIntervention), (back[i].Reward, back[i].Done, back[i].IsIntervention));
            Assert.Equal(original[i].Observation.States[PolicyKeys.ObservationState], back[i].Observation.States[PolicyKeys.ObservationState]);
            Assert.Equal(original[i].Observation.Images[Transitions.Camera].Pixels, back[i].Observation.Images[Transitions.Camera].Pixels);
        }
        // Within an episode the next frames come back exactly; the dataset has none after an episode's last frame.
        Assert.Equal(original[1].NextObservation.Images[Transitions.Camera].Pixels, back[1].NextObservation.Images[Transitions.Camera].Pixels);
        Assert.True(back[6].Truncated);
    }
}
