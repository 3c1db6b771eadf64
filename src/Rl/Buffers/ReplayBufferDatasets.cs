using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Writing;
using RobotActors.Policies.Configs;

namespace RobotActors.Rl.Buffers;

/// <summary>
/// LeRobot's ReplayBuffer.from_lerobot_dataset and to_lerobot_dataset: an offline buffer from a demonstration
/// dataset (v3, or v2.1 read in place), and a buffer's content written out as a LeRobotDataset v3.
/// </summary>
public static class ReplayBufferDatasets
{
    /// <summary>
    /// One transition per frame, in dataset order: the reward is "next.reward"; done is "next.done" when the
    /// dataset has it, else the last frame of each episode (as LeRobot); an episode's last frame that is not
    /// done is truncated (LeRobot marks it done). The next observation is the following frame of the same
    /// episode, or the frame itself at an episode's end (a dataset has nothing after it; LeRobot does the
    /// same). "complementary_info.discrete_penalty" and "complementary_info.is_intervention" are kept when present.
    /// </summary>
    /// <param name="capacity">The buffer's capacity: the dataset's length when null; smaller is refused, as in LeRobot.</param>
    /// <param name="observationKeys">The observation features to keep (the policy's inputs); all observation.* features when null.</param>
    public static ReplayBuffer FromLeRobotDataset(LeRobotDataset dataset, int? capacity = null, int seed = 0, bool useDrq = true,
        IReadOnlyCollection<string>? observationKeys = null, IProgress<long>? progress = null)
    {
        var frames = checked((int)dataset.Count);
        var size = capacity ?? Math.Max(frames, 1);
        if (size < frames)
            throw new ArgumentException($"the dataset at {dataset.Root} has {frames} frames but the buffer's capacity is {size}; raise offline_buffer_capacity to at least {frames} or use a smaller dataset");
        foreach (var key in new[] { PolicyKeys.Action, PolicyKeys.Reward })
            if (dataset.Features.All(f => f.Key != key))
                throw new ArgumentException($"the dataset at {dataset.Root} has no '{key}' feature; an offline replay buffer needs actions and rewards (record with the HIL-SERL environment, or add rewards with a reward classifier)");
        var observed = dataset.Features.Where(f => f.Key.StartsWith(PolicyKeys.ObservationPrefix, StringComparison.Ordinal)
                                                   && (observationKeys is null || observationKeys.Contains(f.Key))).ToList();
        var missing = observationKeys?.Where(k => observed.All(f => f.Key != k)).ToList() ?? [];
        if (missing.Count > 0)
            throw new ArgumentException($"the dataset at {dataset.Root} lacks {string.Join(", ", missing)}; it has {string.Join(", ", dataset.Features.Select(f => f.Key))}");
        bool Has(string key) => dataset.Features.Any(f => f.Key == key);

        var buffer = new ReplayBuffer(size, seed, useDrq);
        Frame? current = frames > 0 ? dataset.Get(0) : null;
        for (var i = 0; i < frames; i++)
        {
            var frame = current!;
            var next = i + 1 < frames ? dataset.Get(i + 1) : null;
            var last = next is null || next.EpisodeIndex != frame.EpisodeIndex;
            var done = Has(PolicyKeys.Done) ? frame[PolicyKeys.Done].Scalar != 0 : last;
            var observation = Observe(frame, observed);
            var nextObservation = !last && !done ? Observe(next!, observed) : observation;
            buffer.Add(new Transition(observation, frame[PolicyKeys.Action].ToFloats(), (float)frame[PolicyKeys.Reward].Scalar, done, last && !done,
                nextObservation,
                Has(Transition.DiscretePenaltyKey) ? (float)frame[Transition.DiscretePenaltyKey].Scalar : 0,
                Has(Transition.IsInterventionKey) && frame[Transition.IsInterventionKey].Scalar != 0));
            current = next;
            progress?.Report(i + 1);
        }
        return buffer;
    }

    private static Observation Observe(Frame frame, IReadOnlyList<FeatureSpec> features)
    {
        var states = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var images = new Dictionary<string, ImageFrame>(StringComparer.Ordinal);
        foreach (var f in features)
        {
            if (f.IsVisual) images[f.Key] = frame[f.Key].Image;
            else if (f.IsNumeric) states[f.Key] = frame[f.Key].ToFloats();
        }
        return new Observation(states, images);
    }

    /// <summary>
    /// Writes the buffer's transitions, oldest first, as a LeRobotDataset v3 at a new <paramref name="root"/>:
    /// the observations, "action", "next.reward", "next.done", "next.truncated" and the complementary_info
    /// columns; an episode ends at each done or truncated transition (and at the last one). Cameras are PNG
    /// images, or video with <paramref name="video"/>. A dataset holds no next observations: an episode's
    /// terminal next frame is not written (LeRobot's export drops it too).
    /// </summary>
    public static async Task<int> ToLeRobotDatasetAsync(ReplayBuffer buffer, string root, int fps, string task, bool video = false, string? robotType = null)
    {
        if (buffer.Count == 0) throw new InvalidOperationException("the replay buffer is empty; there is nothing to export");
        var first = buffer.Get(0);
        var features = new List<FeatureSpec>();
        foreach (var (key, values) in first.Observation.States) features.Add(FeatureSpec.Numeric(key, DTypes.Float32, [values.Length]));
        foreach (var (key, image) in first.Observation.Images) features.Add(FeatureSpec.Camera(key, image.Height, image.Width, image.Channels, video));
        features.Add(FeatureSpec.Numeric(PolicyKeys.Action, DTypes.Float32, [first.Action.Length]));
        features.Add(FeatureSpec.Numeric(PolicyKeys.Reward, DTypes.Float32, [1]));
        features.Add(FeatureSpec.Numeric(PolicyKeys.Done, DTypes.Bool, [1]));
        features.Add(FeatureSpec.Numeric(PolicyKeys.Truncated, DTypes.Bool, [1]));
        features.Add(FeatureSpec.Numeric(Transition.DiscretePenaltyKey, DTypes.Float32, [1]));
        features.Add(FeatureSpec.Numeric(Transition.IsInterventionKey, DTypes.Bool, [1]));
        var recorder = DatasetRecorder.Create(root, fps, features, robotType);
        var episodes = 0;
        var buffered = 0;
        foreach (var t in buffer.Transitions())
        {
            var frame = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [PolicyKeys.Action] = t.Action,
                [PolicyKeys.Reward] = t.Reward,
                [PolicyKeys.Done] = t.Done,
                [PolicyKeys.Truncated] = t.Truncated,
                [Transition.DiscretePenaltyKey] = t.DiscretePenalty,
                [Transition.IsInterventionKey] = t.IsIntervention,
            };
            foreach (var (key, values) in t.Observation.States) frame[key] = values;
            foreach (var (key, image) in t.Observation.Images) frame[key] = image;
            recorder.AddFrame(frame, task);
            buffered++;
            if (t.Done || t.Truncated)
            {
                await recorder.SaveEpisodeAsync();
                episodes++;
                buffered = 0;
            }
        }
        if (buffered > 0)
        {
            await recorder.SaveEpisodeAsync();
            episodes++;
        }
        recorder.FinalizeDataset();
        return episodes;
    }
}
