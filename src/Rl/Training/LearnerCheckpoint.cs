using System.Text.Json.Nodes;
using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Processors;
using RobotActors.Policies.SafeTensors;
using RobotActors.Policies.Training;
using RobotActors.Rl.Algorithms.Sac;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Training;

/// <summary>
/// The HIL-SERL learner's checkpoint, in LeRobot's layout, written atomically (temporary folder, then
/// rename; "last" repointed after):
/// <code>
/// checkpoints/&lt;step&gt;/pretrained_model/   config.json (gaussian_actor), model.safetensors, processors, train_config.json
/// checkpoints/&lt;step&gt;/algorithm/model.safetensors   critics, targets, log_alpha ([HEAD] layout)
/// checkpoints/&lt;step&gt;/training_state/      training_step.json, optimizer_state.safetensors, optimizer_param_groups.json,
///                                        rng_state.safetensors (seed, step, the buffers' sampler states),
///                                        learner_state.json (optimization and interaction steps, skipped transitions, weights version)
/// </code>
/// <see cref="Restore"/> puts back all of it — policy weights, critics, targets, temperature, every optimizer's
/// state and the step counters (LeRobot's resume rebuilds a random policy here, PR #4560). The replay
/// buffers are not in it: the runtime rebuilds them from its journal (ReplayBuffer.Add in order).
/// </summary>
public static class LearnerCheckpoint
{
    public const string AlgorithmDir = "algorithm";
    public const string LearnerStateFile = "learner_state.json";
    private const string OnlineSampler = "online_sampler_state";
    private const string OfflineSampler = "offline_sampler_state";

    /// <summary>Whether to checkpoint after <paramref name="optimizationStep"/> (every save_freq steps).</summary>
    public static bool IsDue(long optimizationStep, long saveFreq) =>
        saveFreq > 0 ? optimizationStep > 0 && optimizationStep % saveFreq == 0 : throw new ArgumentOutOfRangeException(nameof(saveFreq), saveFreq, "save_freq must be at least 1");

    /// <param name="trainConfig">The run's settings as train_config.json holds them; "policy" and "algorithm" are filled in.</param>
    /// <param name="totalSteps">For the folder name's width (LeRobot pads to the run's length, at least 6 digits).</param>
    public static string Save(string outputDir, RlTrainer trainer, ProcessorPipeline pre, ProcessorPipeline post, JsonObject trainConfig,
        long weightsVersion, long totalSteps = 0)
    {
        var algorithm = trainer.Algorithm;
        var step = algorithm.OptimizationStep;
        // Transitions may be arriving on another thread: read the counters and samplers' states as of one moment.
        var (interactionStep, skipped, onlineSampler, offlineSampler) = trainer.WithBuffersLocked(() =>
            (trainer.InteractionStep, trainer.SkippedTransitions, trainer.Mixer.Online.RandomState, trainer.Mixer.Offline?.RandomState));
        var config = (JsonObject)trainConfig.DeepClone();
        config["policy"] = JsonNode.Parse(algorithm.Policy.Config.ToJson());
        config["algorithm"] = algorithm.Config.ToJsonObject();
        return Checkpoints.WriteAtomically(outputDir, Checkpoints.StepName(step, Math.Max(step, totalSteps)), temp =>
        {
            var model = Path.Combine(temp, Checkpoints.PretrainedModelDir);
            algorithm.Policy.SavePretrained(model, pre, post);
            File.WriteAllText(Path.Combine(model, Checkpoints.TrainConfigFile), config.ToJsonString(ConfigJson.Options));

            var algorithmDir = Path.Combine(temp, AlgorithmDir);
            Directory.CreateDirectory(algorithmDir);
            TorchSafeTensors.Save(algorithm.AlgorithmStateDict(), Path.Combine(algorithmDir, PreTrainedPolicy.ModelFileName),
                new Dictionary<string, string> { ["format"] = "pt" });

            var state = Path.Combine(temp, Checkpoints.TrainingStateDir);
            Checkpoints.SaveTrainingState(state, step, algorithm.Optimizers ?? throw new InvalidOperationException("the algorithm has no optimizers to save"));
            var rng = new Dictionary<string, Tensor>
            {
                ["seed"] = torch.tensor((long)trainer.Seed),
                ["step"] = torch.tensor(step),
                [OnlineSampler] = torch.tensor(unchecked((long)onlineSampler)),
            };
            if (offlineSampler is { } offline) rng[OfflineSampler] = torch.tensor(unchecked((long)offline));
            TorchSafeTensors.Save(rng, Path.Combine(state, Checkpoints.RngStateFile));
            File.WriteAllText(Path.Combine(state, LearnerStateFile), new JsonObject
            {
                ["optimization_step"] = step,
                ["interaction_step"] = interactionStep,
                ["skipped_transitions"] = skipped,
                ["weights_version"] = weightsVersion,
            }.ToJsonString(ConfigJson.Options));
        });
    }

    /// <summary>What a checkpoint's configuration says: the policy, the algorithm, the run's settings, the processors.</summary>
    public sealed record Contents(GaussianActorConfig Policy, SacAlgorithmConfig Algorithm, JsonObject TrainConfig, ProcessorPipeline Pre, ProcessorPipeline Post);

    /// <summary>Reads a checkpoint's configs and processors, to build the policy, algorithm and trainer to restore into.</summary>
    public static Contents Read(string checkpoint)
    {
        var model = Path.Combine(checkpoint, Checkpoints.PretrainedModelDir);
        var policy = PreTrainedConfig.Load(model) as GaussianActorConfig
            ?? throw new InvalidDataException($"{model}/config.json is not a gaussian_actor policy; a learner checkpoint holds the policy the SAC algorithm trains");
        var trainConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(model, Checkpoints.TrainConfigFile))) as JsonObject
            ?? throw new InvalidDataException($"{model}/{Checkpoints.TrainConfigFile} is not a JSON object");
        var algorithm = SacAlgorithmConfig.FromJson(trainConfig["algorithm"] as JsonObject, source: $"{model}/{Checkpoints.TrainConfigFile}");
        ProcessorPipeline Load(string name) => ProcessorPipeline.Load(model, name + ".json");
        return new Contents(policy, algorithm, trainConfig, Load(ProcessorPipeline.PreprocessorName), Load(ProcessorPipeline.PostprocessorName));
    }

    /// <summary>
    /// Restores everything the checkpoint holds into a trainer built from its <see cref="Read"/> contents:
    /// policy weights, algorithm state (critics, targets, temperature), optimizer states, the optimization and
    /// interaction steps and the buffers' sampler states. Returns the weights version to continue from.
    /// Replay the journal into the trainer (AddTransition, in order) before calling it: the buffers' contents
    /// are not in the checkpoint, and the interaction step then counts every transition received.
    /// </summary>
    public static long Restore(string checkpoint, RlTrainer trainer)
    {
        var algorithm = trainer.Algorithm;
        var model = Path.Combine(checkpoint, Checkpoints.PretrainedModelDir);
        algorithm.Policy.LoadWeights(model);
        var algorithmFile = Path.Combine(checkpoint, AlgorithmDir, PreTrainedPolicy.ModelFileName);
        if (!File.Exists(algorithmFile))
            throw new FileNotFoundException($"{algorithmFile} not found; a learner checkpoint holds the critics, targets and temperature there", algorithmFile);
        algorithm.LoadAlgorithmState(TorchSafeTensors.Load(algorithmFile), algorithmFile);
        Checkpoints.LoadOptimizerState(checkpoint, algorithm.Optimizers ?? algorithm.MakeOptimizers());

        var state = Path.Combine(checkpoint, Checkpoints.TrainingStateDir);
        var learner = JsonNode.Parse(File.ReadAllText(Path.Combine(state, LearnerStateFile)))!;
        algorithm.OptimizationStep = learner["optimization_step"]!.GetValue<long>();
        var rng = TorchSafeTensors.Load(Path.Combine(state, Checkpoints.RngStateFile));
        if (rng["seed"].item<long>() != trainer.Seed)
            throw new InvalidOperationException($"{checkpoint} was trained with seed {rng["seed"].item<long>()} but the trainer has seed {trainer.Seed}; build it from the checkpoint's train_config.json");
        trainer.WithBuffersLocked(() =>
        {
            // Replaying the journal into the buffers first counts every transition received; a fresh trainer takes the saved count.
            trainer.InteractionStep = Math.Max(trainer.InteractionStep, learner["interaction_step"]!.GetValue<long>());
            trainer.SkippedTransitions = learner["skipped_transitions"]!.GetValue<long>();
            trainer.Mixer.Online.RandomState = unchecked((ulong)rng[OnlineSampler].item<long>());
            if (trainer.Mixer.Offline is { } offline && rng.TryGetValue(OfflineSampler, out var o)) offline.RandomState = unchecked((ulong)o.item<long>());
            return 0;
        });
        return learner["weights_version"]!.GetValue<long>();
    }
}
