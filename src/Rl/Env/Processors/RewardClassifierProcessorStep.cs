using System.Diagnostics;
using System.Text.Json.Nodes;
using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Policies.RewardClassifier;
using TorchSharp;

namespace RobotActors.Rl.Env.Processors;

/// <summary>
/// LeRobot's RewardClassifierProcessorStep: runs a trained reward classifier (a pretrained folder written by
/// `robotactors train --policy.type reward_classifier`) on the cameras after every action; when it predicts
/// success the reward becomes success_reward and, with terminate_on_success, the episode ends.
/// info["reward_classifier_frequency"] reports the classifier's rate in Hz.
/// </summary>
[ProcessorStepName("reward_classifier_processor")]
public sealed class RewardClassifierProcessorStep : IProcessorStep
{
    private readonly RewardClassifierPolicy _classifier;
    private readonly ProcessorPipeline? _preprocessor;

    public RewardClassifierProcessorStep(string pretrainedPath, string device = "cpu", double successThreshold = 0.5,
        double successReward = 1.0, bool terminateOnSuccess = true)
    {
        PretrainedPath = pretrainedPath;
        DeviceName = device;
        SuccessThreshold = successThreshold;
        SuccessReward = successReward;
        TerminateOnSuccess = terminateOnSuccess;
        if (!Directory.Exists(pretrainedPath))
            throw new DirectoryNotFoundException($"reward_classifier.pretrained_path '{pretrainedPath}' does not exist; train one with `robotactors train --config_path <reward classifier train config>` and give its checkpoints/<step>/pretrained_model folder.");
        var (policy, pre, _) = PolicyFactory.LoadPretrained(pretrainedPath);
        _classifier = policy as RewardClassifierPolicy
            ?? throw new ArgumentException($"reward_classifier.pretrained_path '{pretrainedPath}' holds a '{policy.Config.Type}' policy, not a reward_classifier.");
        _preprocessor = pre;
        ImageFeatures = _classifier.Config.InputFeatures.Where(kv => kv.Value.Type == FeatureType.Visual).ToDictionary();
    }

    public string PretrainedPath { get; }
    public string DeviceName { get; }
    public double SuccessThreshold { get; }
    public double SuccessReward { get; }
    public bool TerminateOnSuccess { get; }
    public IReadOnlyDictionary<string, PolicyFeature> ImageFeatures { get; }

    public static RewardClassifierProcessorStep FromConfig(JsonObject config) => new(
        StepJson.String(config, "pretrained_path") ?? throw new ArgumentException("reward_classifier_processor needs pretrained_path."),
        StepJson.String(config, "device") ?? "cpu", StepJson.Double(config, "success_threshold", 0.5),
        StepJson.Double(config, "success_reward", 1.0), StepJson.Bool(config, "terminate_on_success", true));

    public JsonObject GetConfig() => new()
    {
        ["pretrained_path"] = PretrainedPath, ["device"] = DeviceName, ["success_threshold"] = SuccessThreshold,
        ["success_reward"] = SuccessReward, ["terminate_on_success"] = TerminateOnSuccess,
    };

    /// <summary>Checks the env's processed camera shapes (C, H, W) against what the classifier was trained on.</summary>
    public void Validate(IReadOnlyDictionary<string, PolicyFeature> envImages)
    {
        foreach (var (key, feature) in ImageFeatures)
        {
            if (!envImages.TryGetValue(key, out var env))
                throw new ArgumentException($"the reward classifier at '{PretrainedPath}' reads camera '{key}', which this env does not have (it has {string.Join(", ", envImages.Keys)}).");
            if (!env.Shape.SequenceEqual(feature.Shape))
                throw new ArgumentException($"the reward classifier at '{PretrainedPath}' was trained on '{key}' of [{string.Join(", ", feature.Shape)}] but the env gives [{string.Join(", ", env.Shape)}]; use the same crop_params_dict and resize_size as the recorded dataset.");
        }
    }

    /// <summary>The classifier's verdict on one processed observation (uint8 frames): true for success.</summary>
    public bool PredictSuccess(IReadOnlyDictionary<string, torch.Tensor> observation)
    {
        var batch = new Dictionary<string, torch.Tensor>();
        foreach (var key in ImageFeatures.Keys)
            batch[key] = observation.TryGetValue(key, out var image) ? image
                : throw new InvalidOperationException($"reward_classifier_processor: the observation has no '{key}' (it has {string.Join(", ", observation.Keys)}).");
        var input = _preprocessor is null ? BatchWithoutPreprocessor(batch) : _preprocessor.ProcessBatch(batch);
        return _classifier.PredictReward(input, SuccessThreshold).reshape(-1)[0].item<float>() >= 0.5f;
    }

    private static Dictionary<string, torch.Tensor> BatchWithoutPreprocessor(Dictionary<string, torch.Tensor> batch) =>
        new AddBatchDimensionProcessorStep().Process(new EnvTransition { Observation = batch }).Observation;

    public EnvTransition Process(EnvTransition transition)
    {
        if (transition.Action is null && transition.RobotAction is null) return transition; // the reset observation
        var clock = Stopwatch.StartNew();
        bool success;
        using (torch.no_grad()) success = PredictSuccess(transition.Observation);
        transition.Info[HilKeys.RewardClassifierFrequency] = 1.0 / Math.Max(clock.Elapsed.TotalSeconds, 1e-6);
        if (!success) return transition;
        transition.SetReward(SuccessReward);
        if (TerminateOnSuccess) transition.SetDone(true);
        return transition;
    }
}
