using System.Text.Json.Serialization;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Networks;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Rtc;

namespace RobotActors.Policy.DitFlow;

/// <summary>
/// A flow-matching diffusion-transformer policy: the observation (state, cameras, environment state over
/// n_obs_steps) becomes tokens, a DiT with adaLN-Zero conditioning on the flow time denoises a chunk of chunk_size
/// actions, trained with the rectified-flow velocity loss and sampled by Euler integration in num_inference_steps.
/// Real-Time Chunking (rtc_config) guides each new chunk toward the previous one's unexecuted actions.
/// </summary>
[PolicyType("dit_flow", Description = "Plugin: flow-matching diffusion transformer (DiT) over action chunks, with Real-Time Chunking")]
public sealed class DitFlowConfig : PreTrainedConfig
{
    public static readonly IReadOnlyList<string> TimeSamplings = ["beta", "uniform"];
    public static readonly IReadOnlyList<string> VisionBackbones = ["conv", .. ResNet.SupportedNames];

    public DitFlowConfig()
    {
        NormalizationMapping = new()
        {
            ["VISUAL"] = NormalizationMode.MeanStd,
            ["STATE"] = NormalizationMode.MeanStd,
            ["ENV"] = NormalizationMode.MeanStd,
            ["ACTION"] = NormalizationMode.MeanStd,
        };
    }

    /// <summary>Actions per predicted chunk (the flow's horizon).</summary>
    [ConfigRange(">= 1")] public int ChunkSize { get; set; } = 50;

    /// <summary>Actions executed from each chunk before the next is predicted.</summary>
    [ConfigRange(">= 1")] public int NActionSteps { get; set; } = 50;

    [ConfigRange(">= 1")] public int HiddenDim { get; set; } = 256;
    [ConfigRange(">= 1")] public int NumLayers { get; set; } = 6;
    [ConfigRange(">= 1")] public int NumHeads { get; set; } = 8;

    /// <summary>The transformer blocks' feed-forward width as a multiple of hidden_dim.</summary>
    [ConfigRange("> 0")] public double MlpRatio { get; set; } = 4.0;
    [ConfigRange("[0, 1)")] public double Dropout { get; set; } = 0.1;

    /// <summary>Euler steps from noise to a chunk (π0's num_inference_steps).</summary>
    [ConfigRange(">= 1")] public int NumInferenceSteps { get; set; } = 10;

    /// <summary>How training draws the flow time: "beta" (π0's Beta(α, β), more noisy times) or "uniform".</summary>
    public string TimeSampling { get; set; } = "beta";
    [ConfigRange("> 0")] public double TimeSamplingBetaAlpha { get; set; } = 1.5;
    [ConfigRange("> 0")] public double TimeSamplingBetaBeta { get; set; } = 1.0;
    [ConfigRange("(0, 1]")] public double TimeSamplingScale { get; set; } = 0.999;
    [ConfigRange("[0, 1)")] public double TimeSamplingOffset { get; set; } = 0.001;

    /// <summary>"resnet18" / "resnet34" (batch-norm ResNet up to layer4), or "conv": HIL-SERL's small 4-layer CNN.</summary>
    public string VisionBackbone { get; set; } = "resnet18";

    /// <summary>A safetensors file of torchvision ResNet weights, or null for random weights (nothing is downloaded).</summary>
    public string? PretrainedBackboneWeights { get; set; }

    /// <summary>Channels of the "conv" encoder.</summary>
    [ConfigRange(">= 1")] public int ImageEncoderHiddenDim { get; set; } = 32;
    [ConfigRange(">= 1")] public int SpatialSoftmaxNumKeypoints { get; set; } = 32;

    /// <summary>Leaves the padded steps past an episode's end out of the loss.</summary>
    public bool DoMaskLossForPadding { get; set; } = true;

    [ConfigRange("> 0")] public double OptimizerLr { get; set; } = 1e-4;
    [ConfigRange("[0, 1)")] public double[] OptimizerBetas { get; set; } = [0.9, 0.95];
    [ConfigRange("> 0")] public double OptimizerEps { get; set; } = 1e-8;
    [ConfigRange(">= 0")] public double OptimizerWeightDecay { get; set; } = 1e-4;
    [ConfigRange(">= 0")] public double OptimizerGradClipNorm { get; set; } = 10.0;

    /// <summary>Real-Time Chunking; off by default as in LeRobot (--policy.rtc_config.enabled=true).</summary>
    public RtcConfig RtcConfig { get; set; } = new();

    [JsonIgnore] public override IReadOnlyList<int>? ObservationDeltaIndices =>
        NObsSteps == 1 ? null : Enumerable.Range(1 - NObsSteps, NObsSteps).ToList();

    [JsonIgnore] public override IReadOnlyList<int>? ActionDeltaIndices => Enumerable.Range(0, ChunkSize).ToList();

    public override OptimizerConfig GetOptimizerPreset() => new AdamWConfig
    {
        Lr = OptimizerLr, Betas = OptimizerBetas, Eps = OptimizerEps, WeightDecay = OptimizerWeightDecay, GradClipNorm = OptimizerGradClipNorm,
    };

    public override IEnumerable<string> Warnings()
    {
        if (RtcConfig.Enabled && RtcConfig.ExecutionHorizon > ChunkSize - NActionSteps && NActionSteps < ChunkSize)
            yield return $"dit_flow: rtc_config.execution_horizon={RtcConfig.ExecutionHorizon} is longer than the leftover a chunk has when the next is " +
                         $"predicted (chunk_size - n_action_steps = {ChunkSize - NActionSteps}); steps past the leftover are not guided";
        if (RtcConfig.Enabled && NActionSteps == ChunkSize)
            yield return "dit_flow: rtc_config.enabled=true with n_action_steps = chunk_size leaves no leftover to guide the next chunk toward; lower n_action_steps";
    }

    public override void ValidateFeatures()
    {
        ValidateCommonFeatures();
        RequireAction();
        void Fail(string message) => throw new PolicyConfigException($"dit_flow: {message}");
        if (NActionSteps > ChunkSize)
            Fail($"n_action_steps={NActionSteps} is larger than chunk_size={ChunkSize}; n_action_steps must be at most chunk_size (a model call predicts chunk_size actions)");
        if (HiddenDim % NumHeads != 0) Fail($"hidden_dim={HiddenDim} must be divisible by num_heads={NumHeads}");
        if (HiddenDim % 2 != 0) Fail($"hidden_dim={HiddenDim} must be even (the flow-time embedding is half sines, half cosines)");
        if (!TimeSamplings.Contains(TimeSampling)) Fail($"time_sampling='{TimeSampling}' must be one of {string.Join(", ", TimeSamplings)}");
        if (TimeSamplingScale + TimeSamplingOffset > 1)
            Fail($"time_sampling_scale + time_sampling_offset = {TimeSamplingScale + TimeSamplingOffset} must be at most 1 (flow times lie in [0, 1])");
        if (!VisionBackbones.Contains(VisionBackbone)) Fail($"vision_backbone='{VisionBackbone}' is not available; use one of {string.Join(", ", VisionBackbones)}");
        if (PretrainedBackboneWeights is not null && VisionBackbone == "conv")
            Fail("pretrained_backbone_weights is for a ResNet backbone; vision_backbone='conv' starts from random weights (set it to null)");
        RtcConfig.Validate("dit_flow", ChunkSize);
        if (RobotStateFeature is null && EnvStateFeature is null && ImageFeatures.Count == 0)
            Fail("input_features needs observation.state, observation.environment_state or a camera (observation.image or observation.images.*)");
        foreach (var (key, feature) in ImageFeatures)
        {
            var (h, w) = (feature.Shape[1], feature.Shape[2]);
            var side = VisionBackbone == "conv" ? Math.Min(DefaultImageEncoder.OutputSize(h), DefaultImageEncoder.OutputSize(w)) : Math.Min(ResNet.FeatureSide(h), ResNet.FeatureSide(w));
            if (side < 1)
                Fail($"camera '{key}' [{string.Join(", ", feature.Shape)}] is too small for vision_backbone='{VisionBackbone}' (its feature map would be empty); use larger images or another backbone");
        }
    }
}
