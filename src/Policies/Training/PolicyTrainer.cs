using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Training;

/// <summary>
/// Offline training (lerobot-train): make the policy from the config and the dataset, step its
/// optimizers, report progress, checkpoint in LeRobot's layout, and resume weights, optimizer and step.
/// </summary>
public sealed class PolicyTrainer(Action<string> report)
{
    public sealed record Result(long Step, string? LastCheckpoint, IReadOnlyDictionary<string, double> LastMetrics)
    {
        /// <summary>OUTPUT/metrics.jsonl: the metrics of every logged step.</summary>
        public string? MetricsFile { get; init; }
        /// <summary>OUTPUT/loss_curves.png, redrawn at each checkpoint.</summary>
        public string? LossPlot { get; init; }
    }

    /// <summary>Trains; on resume the config comes from the last checkpoint and <paramref name="config"/> may be null.</summary>
    public Result Run(PreTrainedConfig? config, IPolicyDataset dataset, TrainOptions options)
    {
        CheckOptions(options);
        if (dataset.Count < 2) throw new ArgumentException($"the dataset has {dataset.Count} frames; training needs at least 2");

        PreTrainedPolicy policy;
        ProcessorPipeline pre, post;
        EmaWeights? ema = null;
        long step = 0;
        var last = Checkpoints.Last(options.OutputDir);
        if (options.Resume)
        {
            var resumed = TrainResume.Resolve(options);
            (options, last) = (resumed.Options, resumed.Checkpoint);
            CheckOptions(options);
            var model = Path.Combine(last, Checkpoints.PretrainedModelDir);
            // LeRobot's resume rebuilds a fresh policy and loses the weights; here they are loaded.
            config = PreTrainedConfig.Load(model);
            CheckRewards(config, dataset);
            var loaded = PolicyFactory.LoadPretrained(model);
            policy = loaded.Policy;
            pre = loaded.Pre ?? throw new InvalidDataException($"{model} lacks policy_preprocessor.json");
            post = loaded.Post ?? throw new InvalidDataException($"{model} lacks policy_postprocessor.json");
            step = resumed.Step;
            ema = ResumeEma(options.Ema, policy, last);
            report($"Resuming from {Path.GetFullPath(last)} at step {step} (seed {options.Seed}, batch {options.BatchSize} from its train_config.json; " +
                   $"steps {options.Steps}, log_freq {options.LogFreq}, save_freq {options.SaveFreq})");
        }
        else
        {
            if (last is not null)
                throw new InvalidOperationException($"{options.OutputDir} already holds checkpoints; pass --resume to continue that run or choose another --output_dir");
            if (config is null) throw new ArgumentException("a new training run needs a policy config (--policy.type)");
            CheckRewards(config, dataset);
            torch.manual_seed(options.Seed);
            (policy, pre, post) = PolicyFactory.Make(config, dataset.Features, dataset.Stats);
            if (config.PretrainedPath is { } pretrained)
            {
                // As lerobot-train with --policy.path: the weights come from the pretrained folder, the
                // normalization statistics from the dataset being trained on.
                policy.LoadWeights(pretrained);
                report($"Fine-tuning from {pretrained}: weights loaded; normalization statistics from this dataset");
            }
            if (options.Ema.Enable) ema = new EmaWeights(options.Ema, policy);
        }

        var optimizerConfig = config.GetOptimizerPreset();
        var scheduler = config.GetSchedulerPreset();
        ConfigRanges.Check(optimizerConfig, p => "optimizer." + p);
        if (scheduler is not null) ConfigRanges.Check(scheduler, p => "scheduler." + p);
        var optimizers = policy.MakeOptimizers(optimizerConfig);
        var baseRates = optimizers.ByName.ToDictionary(kv => kv.Key, kv => kv.Value.LearningRate);
        if (options.Resume) Checkpoints.LoadOptimizerState(last!, optimizers);
        var trainConfig = TrainConfigJson(config, optimizerConfig, scheduler, options);

        var sampler = new FrameSampler(dataset, DeltaIndices.For(config, dataset.Features.Keys), config.SamplerDropLastFrames);
        foreach (var warning in config.Warnings()) report($"warning: {warning}");
        if (sampler.Warning is { } dropped) report($"warning: {config.Type}: {dropped}");
        if (UnmappedInputs(config) is { Count: > 0 } raw)
            report($"note: {config.Type}'s normalization_mapping has no entry for {string.Join(", ", raw.Select(kv => $"{kv.Key} ({kv.Value.ToLeRobot()})"))}, " +
                   "so it reaches the policy unnormalized (as in LeRobot); if its values are small next to [-1, 1] (an object's position in metres), " +
                   $"map it, e.g. --policy.normalization_mapping={SuggestedMapping(config, raw.Select(kv => kv.Value))}");
        if (UnusedFeatures(config, dataset) is { Count: > 0 } unused)
            report($"note: the policy does not use these dataset features: {string.Join(", ", unused)} " +
                   $"(its input_features: {string.Join(", ", config.InputFeatures.Keys.Order(StringComparer.Ordinal))})");
        report($"Training '{config.Type}' on {dataset.Count} frames: {policy.parameters().Sum(p => p.numel())} parameters, steps {step}→{options.Steps}, batch {options.BatchSize}");
        var metricsLog = new TrainingMetricsLog(options.OutputDir);
        metricsLog.TruncateAfter(step);
        var clock = Stopwatch.StartNew();
        var startStep = step;
        Dictionary<string, double> metrics = new();
        string? lastCheckpoint = last;
        while (step < options.Steps)
        {
            // Seeding from (seed, step) makes a resumed run draw exactly the batches and noise an uninterrupted one would.
            var stepSeed = unchecked(options.Seed * 1_000_003L + step);
            torch.manual_seed(stepSeed);
            var rng = new Random((int)(stepSeed & 0x7fffffff));
            if (scheduler is not null)
                foreach (var (name, opt) in optimizers.ByName)
                    opt.LearningRate = baseRates[name] * scheduler.Factor(step, options.Steps);
            // No collection during a step: TorchSharp's temporary Scalars could be finalized while libtorch reads them.
            using (Torch.FinalizerSafeRegion.Enter())
                metrics = policy.TrainStep(() => TrainingBatches.Make(policy, pre, dataset, sampler.DeltaIndices, sampler.Draw(options.BatchSize, rng)), optimizers, step);
            step++;
            ema?.Update(policy, step);
            // A non-finite loss has already poisoned the weights in memory: stop before they are saved.
            if (metrics.Where(kv => !double.IsFinite(kv.Value)).OrderBy(kv => kv.Key.Contains("loss", StringComparison.Ordinal) ? 0 : 1)
                    .ThenBy(kv => kv.Key, StringComparer.Ordinal).FirstOrDefault() is { Key: not null } bad)
                throw new TrainingDivergedException(bad.Key, bad.Value, step, lastCheckpoint);

            if (step % options.LogFreq == 0 || step == options.Steps)
            {
                report(Progress(step, options.Steps, startStep, clock.Elapsed, metrics));
                metricsLog.Append(step, clock.Elapsed.TotalSeconds, WithLearningRates(metrics, optimizers));
            }
            if (step % options.SaveFreq == 0 || step == options.Steps)
            {
                lastCheckpoint = Checkpoints.Save(options.OutputDir, step, options.Steps, policy, pre, post, optimizers, trainConfig, options.Seed,
                    ema is null ? null : (ema, options.Ema));
                report($"Checkpoint saved: {lastCheckpoint}");
                PlotLosses(metricsLog, config.Type);
            }
        }
        report($"Metrics of every logged step: {Path.GetFullPath(metricsLog.FilePath)}; loss curves: {Path.GetFullPath(metricsLog.PlotPath)}");
        return new Result(step, lastCheckpoint, metrics) { MetricsFile = metricsLog.FilePath, LossPlot = metricsLog.PlotPath };
    }

    /// <summary>A plot that cannot be drawn (no usable font or native Skia on this host) is worth a warning, never the run.</summary>
    private void PlotLosses(TrainingMetricsLog log, string title)
    {
        try
        {
            log.PlotLosses(title);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            report($"warning: could not draw {log.PlotPath}: {e.GetBaseException().Message}");
        }
    }

    private static Dictionary<string, double> WithLearningRates(IReadOnlyDictionary<string, double> metrics, OptimizerSet optimizers)
    {
        var all = new Dictionary<string, double>(metrics);
        foreach (var (name, optimizer) in optimizers.ByName)
            all[optimizers.IsSingle ? "lr" : $"lr_{name}"] = optimizer.LearningRate;
        return all;
    }

    /// <summary>
    /// A policy with reward_delta_indices (TD-MPC) learns from a reward per step of its window: a dataset without
    /// next.reward would only fail in the first batch, after the policy and its optimizers were built.
    /// </summary>
    public static void CheckRewards(PreTrainedConfig config, IPolicyDataset dataset)
    {
        if (config.RewardDeltaIndices is null || dataset.Features.ContainsKey(PolicyKeys.Reward)) return;
        throw new PolicyConfigException(
            $"{config.Type}: the dataset has no '{PolicyKeys.Reward}' feature (it has {string.Join(", ", dataset.Features.Keys.Order(StringComparer.Ordinal))}); " +
            $"{config.Type} learns from a reward per step (reward_delta_indices): train on a dataset recorded with the env's reward in '{PolicyKeys.Reward}', " +
            "or online on the sim with `robotactors bench tdmpc`");
    }

    /// <summary>Observation features of the dataset the policy's input_features leave out (e.g. cameras for a state-only policy).</summary>
    public static IReadOnlyList<string> UnusedFeatures(PreTrainedConfig config, IPolicyDataset dataset) =>
        dataset.Features.Where(kv => kv.Value.Type is FeatureType.State or FeatureType.Env or FeatureType.Visual && !config.InputFeatures.ContainsKey(kv.Key))
            .Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>State and env inputs whose feature type normalization_mapping does not name (an explicit IDENTITY is a choice, not listed).</summary>
    public static IReadOnlyList<KeyValuePair<string, FeatureType>> UnmappedInputs(PreTrainedConfig config) =>
        config.InputFeatures.Where(kv => kv.Value.Type is FeatureType.State or FeatureType.Env && !config.NormalizationMapping.ContainsKey(kv.Value.Type.ToLeRobot()))
            .Select(kv => KeyValuePair.Create(kv.Key, kv.Value.Type)).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();

    private static string SuggestedMapping(PreTrainedConfig config, IEnumerable<FeatureType> missing)
    {
        var mapping = new Dictionary<string, NormalizationMode>(config.NormalizationMapping);
        foreach (var type in missing) mapping[type.ToLeRobot()] = NormalizationMode.MinMax;
        return "'" + System.Text.Json.JsonSerializer.Serialize(mapping) + "'";
    }

    /// <summary>The run settings' ranges (--steps, --batch_size, --log_freq, --save_freq, --ema.* ...), as the user typed them.</summary>
    public static void CheckOptions(TrainOptions options)
    {
        ConfigRanges.Check(options, p => "--" + p);
        options.Ema.Validate();
    }

    /// <summary>
    /// A resumed run with EMA continues its average: the checkpoint's training_state holds the average and the live
    /// weights (its pretrained_model may hold either). EMA switched on for a run that had none starts from the weights.
    /// </summary>
    private EmaWeights? ResumeEma(EmaConfig config, PreTrainedPolicy policy, string checkpoint)
    {
        if (!config.Enable) return null;
        var state = Path.Combine(checkpoint, Checkpoints.TrainingStateDir);
        var shadow = Path.Combine(state, EmaWeights.ShadowFile);
        var live = Path.Combine(state, EmaWeights.LiveFile);
        if (!File.Exists(shadow) || !File.Exists(live))
        {
            report($"note: {state} has no EMA state; the average starts from the checkpoint's weights");
            return new EmaWeights(config, policy);
        }
        var ema = new EmaWeights(config, policy, SafeTensors.TorchSafeTensors.Load(shadow));
        policy.LoadStateDict(SafeTensors.TorchSafeTensors.Load(live), live);
        return ema;
    }

    private static string Progress(long step, long total, long start, TimeSpan elapsed, IReadOnlyDictionary<string, double> metrics)
    {
        const int width = 30;
        var filled = (int)(width * step / total);
        var rate = (step - start) / Math.Max(elapsed.TotalSeconds, 1e-9);
        var eta = TimeSpan.FromSeconds((total - step) / Math.Max(rate, 1e-9));
        var values = string.Join(" ", metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={kv.Value.ToString("G4", CultureInfo.InvariantCulture)}"));
        return $"[{new string('#', filled)}{new string('.', width - filled)}] step {step}/{total} {rate:F1} steps/s eta {eta:hh\\:mm\\:ss} {values}";
    }

    private static JsonObject TrainConfigJson(PreTrainedConfig config, OptimizerConfig optimizer, SchedulerConfig? scheduler, TrainOptions options) => new()
    {
        ["dataset"] = new JsonObject { ["repo_id"] = options.DatasetRepoId, ["root"] = options.DatasetRoot },
        ["policy"] = JsonNode.Parse(config.ToJson()),
        ["output_dir"] = options.OutputDir,
        ["resume"] = options.Resume,
        ["seed"] = options.Seed,
        ["batch_size"] = options.BatchSize,
        ["steps"] = options.Steps,
        ["log_freq"] = options.LogFreq,
        ["save_freq"] = options.SaveFreq,
        ["use_policy_training_preset"] = true,
        ["ema"] = JsonSerializer.SerializeToNode(options.Ema, ConfigJson.Options),
        ["optimizer"] = JsonSerializer.SerializeToNode(optimizer, ConfigJson.Options),
        ["scheduler"] = scheduler is null ? null : JsonSerializer.SerializeToNode(scheduler, ConfigJson.Options),
    };
}
