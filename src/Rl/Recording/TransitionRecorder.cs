using RobotActors.Datasets.Format;
using RobotActors.Datasets.Writing;
using RobotActors.Policies.Configs;
using RobotActors.Rl.Env;

namespace RobotActors.Rl.Recording;

/// <summary>
/// Records environment steps into a LeRobotDataset v3 with LeRobot's gym_manipulator record-mode columns:
/// observation.state, observation.images.*, action (the executed action), next.reward, next.done and
/// complementary_info.discrete_penalty — or, for lerobot-record (joint teleoperation), only the observation
/// and the action. Each frame pairs an action with the observation it was chosen from. Saving goes through
/// the crash-safe <see cref="DatasetRecorder"/>: a saved episode is on disk, complete, when SaveAsync returns.
/// </summary>
public sealed class TransitionRecorder(DatasetRecorder dataset, string task, bool rlColumns)
{
    public const string DiscretePenaltyKey = "complementary_info.discrete_penalty";

    public DatasetRecorder Dataset { get; } = dataset;
    public string Task { get; } = task;
    public bool RlColumns { get; } = rlColumns;
    public int BufferedFrames => Dataset.BufferedFrames;

    /// <summary>The dataset features of an env: its processed observation (images HWC), its action, and the RL columns.</summary>
    public static List<FeatureSpec> Features(IReadOnlyDictionary<string, PolicyFeature> observation, IReadOnlyList<string> stateNames,
        IReadOnlyList<string> actionNames, bool rlColumns, bool video)
    {
        var features = new List<FeatureSpec>();
        foreach (var (key, f) in observation.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (f.Type == FeatureType.Visual) features.Add(FeatureSpec.Camera(key, f.Shape[1], f.Shape[2], f.Shape[0], video));
            else features.Add(FeatureSpec.Numeric(key, DTypes.Float32, f.Shape, key == PolicyKeys.ObservationState && stateNames.Count == f.Shape[0] ? stateNames : null));
        }
        features.Add(FeatureSpec.Numeric(PolicyKeys.Action, DTypes.Float32, [actionNames.Count], actionNames));
        if (rlColumns)
        {
            features.Add(FeatureSpec.Numeric(PolicyKeys.Reward, DTypes.Float32, [1]));
            features.Add(FeatureSpec.Numeric(PolicyKeys.Done, DTypes.Bool, [1]));
            features.Add(FeatureSpec.Numeric(DiscretePenaltyKey, DTypes.Float32, [1]));
        }
        return features;
    }

    public void Add(StepResult step)
    {
        var frame = new Dictionary<string, object>();
        step.Observation.AddTo(frame);
        frame[PolicyKeys.Action] = step.Action;
        if (RlColumns)
        {
            frame[PolicyKeys.Reward] = step.Reward;
            frame[PolicyKeys.Done] = step.Done || step.Truncated;
            frame[DiscretePenaltyKey] = step.DiscretePenalty;
        }
        Dataset.AddFrame(frame, Task);
    }

    public Task<EpisodeRecord> SaveAsync() => Dataset.SaveEpisodeAsync();

    public void Discard() => Dataset.DiscardEpisode();
}
