using System.Text.Json.Nodes;
using RobotActors.Datasets.Reading;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Processors;
using RobotActors.Rl.Algorithms.Sac;
using RobotActors.Rl.Buffers;
using RobotActors.Rl.Data;
using RobotActors.Rl.Env.Config;

namespace RobotActors.Rl.Training;

/// <summary>
/// What a HIL-SERL train config makes on the learner: the gaussian_actor policy and its SAC algorithm, the online
/// buffer (online_buffer_capacity), the offline buffer (offline_buffer_capacity; loaded from "dataset" when the
/// config names one, else it starts empty and collects the interventions), the mixer (online_ratio) and the
/// trainer (batch_size, online_step_before_learning, seed), with the push and save frequencies.
/// </summary>
public sealed record HilSerlLearnerSetup(
    RlTrainer Trainer, ProcessorPipeline Pre, ProcessorPipeline Post, JsonObject TrainConfig, TimeSpan PushInterval, long SaveFreq,
    long TotalSteps, IReadOnlyList<string> ObservationKeys, IReadOnlyList<string> Warnings, bool SaveCheckpoint = true)
{
    public const int DefaultBatchSize = 256;
    public const long DefaultSaveFreq = 2000;

    /// <summary>Builds everything from the file; throws <see cref="LeRobotConfigException"/> naming what is wrong in it.</summary>
    public static HilSerlLearnerSetup Create(TrainConfigFile file, Action<string>? log = null)
    {
        var warnings = new List<string>(file.Warnings);
        if (file.Sac is not var (policyConfig, algorithmConfig))
            throw new LeRobotConfigException($"{file.Source}: policy.type \"{file.Policy.Type}\" is not trained by the HIL-SERL learner; use \"gaussian_actor\" with an \"algorithm\" section (or v0.5's \"sac\").");
        warnings.AddRange(policyConfig.Warnings().Select(w => $"warning: {w}"));
        var seed = file.Seed ?? 1000;
        var observationKeys = policyConfig.InputFeatures.Keys.Order(StringComparer.Ordinal).ToList();
        var useDrq = policyConfig.ImageFeatures.Count > 0;

        ReplayBuffer offline;
        var root = file.DatasetRoot ?? (file.DatasetRepoId is { } id ? RobotActors.Datasets.Format.LeRobotHome.DatasetRoot(id) : null);
        if (root is not null && !Directory.Exists(Path.Combine(root, "meta")))
        {
            // HIL-SERL learns from scratch too; the interventions then fill the offline buffer.
            warnings.Add($"warning: {file.Source}: dataset \"{root}\" has no recorded dataset (no meta folder); the offline buffer starts empty. " +
                         "Record demonstrations there (robotactors record) to start from them.");
            root = null;
        }
        if (root is not null)
        {
            var dataset = LeRobotDataset.Open(root);
            try
            {
                offline = ReplayBufferDatasets.FromLeRobotDataset(dataset, policyConfig.OfflineBufferCapacity, seed + 1, useDrq, observationKeys);
            }
            catch (ArgumentException e)
            {
                throw new LeRobotConfigException($"{file.Source}: dataset {root}: {e.Message}");
            }
            log?.Invoke($"learner: offline buffer loaded from {root}: {offline.Count} transitions");
        }
        else offline = new ReplayBuffer(policyConfig.OfflineBufferCapacity, seed + 1, useDrq);

        var (policy, pre, post) = HilSerlStats.Build(policyConfig, w => warnings.Add($"warning: {w}"));
        var mixer = new OnlineOfflineMixer(new ReplayBuffer(policyConfig.OnlineBufferCapacity, seed, useDrq), offline, file.OnlineRatio ?? 0.5);
        var trainer = new RlTrainer(new SacAlgorithm(policy, algorithmConfig), pre, mixer, file.BatchSize ?? DefaultBatchSize,
            policyConfig.OnlineStepBeforeLearning, seed, log);
        return new HilSerlLearnerSetup(trainer, pre, post, file.Json, TimeSpan.FromSeconds(policyConfig.ActorLearnerConfig.PolicyParametersPushFrequency),
            file.SaveFreq ?? DefaultSaveFreq, file.Steps ?? 0, observationKeys, warnings, file.SaveCheckpoint);
    }
}
