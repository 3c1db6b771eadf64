using System.Text.Json.Serialization;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Networks;
using RobotActors.Policies.Optim;

namespace RobotActors.Policies.Diffusion;

/// <summary>
/// LeRobot's DiffusionConfig (Diffusion Policy, defaults since LeRobot #3202: 2 observation steps, horizon 64,
/// 32 executed actions, ImageNet ResNet-18 per camera with batch norm): a ResNet + spatial softmax encoder per
/// camera, a 1-D conditional U-Net denoising the action trajectory, DDPM or DDIM noise schedulers.
/// </summary>
[PolicyType("diffusion", Description = "Diffusion Policy: imitation from demonstrations; a 1-D U-Net denoises action trajectories conditioned on ResNet-18 keypoints")]
public sealed class DiffusionConfig : PreTrainedConfig
{
    public static readonly IReadOnlyList<string> NoiseSchedulerTypes = ["DDPM", "DDIM"];

    public DiffusionConfig()
    {
        NObsSteps = 2;
        NormalizationMapping = new()
        {
            ["VISUAL"] = NormalizationMode.MeanStd,
            ["STATE"] = NormalizationMode.MinMax,
            ["ACTION"] = NormalizationMode.MinMax,
        };
    }

    [ConfigRange(">= 1")] public int Horizon { get; set; } = 64;
    [ConfigRange(">= 1")] public int NActionSteps { get; set; } = 32;

    /// <summary>Frames at each episode's end that training does not sample (the original implementation's 7).</summary>
    [ConfigRange(">= 0")] public int DropNLastFrames { get; set; } = 7;
    public string VisionBackbone { get; set; } = "resnet18";
    [ConfigRange(">= 1")] public int[]? ResizeShape { get; set; }
    [ConfigRange("(0, 1]")] public double CropRatio { get; set; } = 1.0;
    [ConfigRange(">= 1")] public int[]? CropShape { get; set; }
    public bool CropIsRandom { get; set; } = true;

    /// <summary>A safetensors file of torchvision ResNet weights, or null; LeRobot's default (torchvision's download name) leaves the backbone random here.</summary>
    public string? PretrainedBackboneWeights { get; set; } = Act.ActConfig.TorchvisionImageNetWeights;
    public bool UseGroupNorm { get; set; }
    [ConfigRange(">= 1")] public int SpatialSoftmaxNumKeypoints { get; set; } = 32;
    public bool UseSeparateRgbEncoderPerCamera { get; set; } = true;
    [ConfigRange(">= 1")] public int[] DownDims { get; set; } = [512, 1024, 2048];
    [ConfigRange(">= 1")] public int KernelSize { get; set; } = 5;
    [ConfigRange(">= 1")] public int NGroups { get; set; } = 8;
    [ConfigRange(">= 4")] public int DiffusionStepEmbedDim { get; set; } = 128;
    public bool UseFilmScaleModulation { get; set; } = true;
    public bool GradientCheckpointing { get; set; }
    public string NoiseSchedulerType { get; set; } = "DDPM";
    [ConfigRange(">= 1")] public int NumTrainTimesteps { get; set; } = 100;
    public string BetaSchedule { get; set; } = "squaredcos_cap_v2";
    [ConfigRange("(0, 1)")] public double BetaStart { get; set; } = 0.0001;
    [ConfigRange("(0, 1)")] public double BetaEnd { get; set; } = 0.02;
    public string PredictionType { get; set; } = "epsilon";
    public bool ClipSample { get; set; } = true;
    [ConfigRange("> 0")] public double ClipSampleRange { get; set; } = 1.0;
    [ConfigRange(">= 1")] public int? NumInferenceSteps { get; set; }
    public bool CompileModel { get; set; }
    public string CompileMode { get; set; } = "reduce-overhead";
    public bool DoMaskLossForPadding { get; set; }
    [ConfigRange("> 0")] public double OptimizerLr { get; set; } = 1e-4;
    [ConfigRange("[0, 1)")] public double[] OptimizerBetas { get; set; } = [0.95, 0.999];
    [ConfigRange("> 0")] public double OptimizerEps { get; set; } = 1e-8;
    [ConfigRange(">= 0")] public double OptimizerWeightDecay { get; set; } = 1e-6;
    public string SchedulerName { get; set; } = "cosine";
    [ConfigRange(">= 0")] public int SchedulerWarmupSteps { get; set; } = 500;

    [JsonIgnore] public override IReadOnlyList<int>? ObservationDeltaIndices => Enumerable.Range(1 - NObsSteps, NObsSteps).ToList();
    [JsonIgnore] public override IReadOnlyList<int>? ActionDeltaIndices => Enumerable.Range(1 - NObsSteps, Horizon).ToList();
    [JsonIgnore] public override int SamplerDropLastFrames => DropNLastFrames;

    /// <summary>The crop actually applied: derived from resize_shape × crop_ratio when resizing (none at ratio 1), else crop_shape.</summary>
    internal int[]? EffectiveCropShape =>
        ResizeShape is { Length: 2 } r
            ? CropRatio < 1.0 ? [(int)(r[0] * CropRatio), (int)(r[1] * CropRatio)] : null
            : CropShape;

    public override OptimizerConfig GetOptimizerPreset() => new AdamConfig
    {
        Lr = OptimizerLr, Betas = OptimizerBetas, Eps = OptimizerEps, WeightDecay = OptimizerWeightDecay,
    };

    public override SchedulerConfig? GetSchedulerPreset() => new DiffuserSchedulerConfig { Name = SchedulerName, NumWarmupSteps = SchedulerWarmupSteps };

    public override IEnumerable<string> Warnings()
    {
        if (ImageFeatures.Count > 0 && PretrainedBackboneWeights is { } w && !Act.ActConfig.IsWeightsFile(w))
            yield return $"diffusion: pretrained_backbone_weights=\"{w}\" names torchvision's download, which is not available here, so the {VisionBackbone} " +
                         "encoders start from random weights; point --policy.pretrained_backbone_weights at a torchvision state dict saved as " +
                         "safetensors, or set it to null to silence this warning";
        if (GradientCheckpointing) yield return "diffusion: gradient_checkpointing=true has no effect here (activations are kept); set it to false";
        if (CompileModel) yield return "diffusion: compile_model=true has no effect here (TorchSharp runs the model eagerly)";
    }

    public override void ValidateFeatures()
    {
        ValidateCommonFeatures();
        RequireAction();
        void Fail(string message) => throw new PolicyConfigException($"diffusion: {message}");
        if (!NoiseSchedulerTypes.Contains(NoiseSchedulerType)) Fail($"noise_scheduler_type='{NoiseSchedulerType}' must be one of {string.Join(", ", NoiseSchedulerTypes)}");
        if (PredictionType is not ("epsilon" or "sample")) Fail($"prediction_type='{PredictionType}' must be epsilon or sample");
        if (!Diffusion.NoiseScheduler.BetaSchedules.Contains(BetaSchedule)) Fail($"beta_schedule='{BetaSchedule}' must be one of {string.Join(", ", Diffusion.NoiseScheduler.BetaSchedules)}");
        if (!VisionBackbone.StartsWith("resnet", StringComparison.Ordinal) || !ResNet.SupportedNames.Contains(VisionBackbone))
            Fail($"vision_backbone='{VisionBackbone}' is not available; use one of {string.Join(", ", ResNet.SupportedNames)}");
        if (!DiffuserSchedulerConfig.Names.Contains(SchedulerName))
            Fail($"scheduler_name='{SchedulerName}' must be one of {string.Join(", ", DiffuserSchedulerConfig.Names)}");
        if (DownDims.Length == 0) Fail("down_dims must list at least one U-Net stage");
        var factor = 1 << DownDims.Length;
        if (Horizon % factor != 0)
            Fail($"horizon={Horizon} must be a multiple of 2^len(down_dims) = {factor} (the U-Net halves the trajectory at each stage)");
        if (NActionSteps > Horizon - NObsSteps + 1)
            Fail($"n_action_steps={NActionSteps} must be at most horizon - n_obs_steps + 1 = {Horizon - NObsSteps + 1} (actions are taken from the current step on)");
        if (DownDims.Any(d => d % NGroups != 0)) Fail($"every down_dims entry must be divisible by n_groups={NGroups}, got [{string.Join(", ", DownDims)}]");
        if (KernelSize % 2 == 0) Fail($"kernel_size={KernelSize} must be odd so the convolutions keep the trajectory length");
        if (NumInferenceSteps is { } n && (n < 1 || n > NumTrainTimesteps))
            Fail($"num_inference_steps={n} must be between 1 and num_train_timesteps={NumTrainTimesteps}");
        if (ResizeShape is not null && (ResizeShape.Length != 2 || ResizeShape.Any(d => d <= 0)))
            Fail($"resize_shape must be a pair of positive integers, got [{string.Join(", ", ResizeShape)}]");
        if (!(CropRatio > 0 && CropRatio <= 1.0)) Fail($"crop_ratio={CropRatio} must be in (0, 1]");
        if (EffectiveCropShape is { } crop && (crop.Length != 2 || crop.Any(d => d <= 0)))
            Fail($"crop_shape must have two positive dimensions, got [{string.Join(", ", crop)}]");
        if (UseGroupNorm && Act.ActConfig.IsWeightsFile(PretrainedBackboneWeights))
            Fail("use_group_norm=true cannot be combined with pretrained_backbone_weights (replacing batch norm ruins pretrained weights); set one of them off");
        if (RobotStateFeature is null)
            Fail($"input_features needs 'observation.state' (Diffusion Policy conditions on the robot state); got {Act.ActConfig.FeatureList(InputFeatures)}");
        var images = ImageFeatures;
        if (images.Count == 0 && EnvStateFeature is null)
            Fail($"input_features needs at least one camera (observation.image or observation.images.*) or observation.environment_state; got {Act.ActConfig.FeatureList(InputFeatures)}");
        if (images.Count > 0)
        {
            var first = images[0];
            foreach (var (key, feature) in images)
                if (!feature.Shape.SequenceEqual(first.Value.Shape))
                    Fail($"'{key}' has shape [{string.Join(", ", feature.Shape)}] but '{first.Key}' has [{string.Join(", ", first.Value.Shape)}]; all cameras must have the same shape");
            if (ResizeShape is null && CropShape is { Length: 2 } c && (c[0] > first.Value.Shape[1] || c[1] > first.Value.Shape[2]))
                Fail($"crop_shape [{c[0]}, {c[1]}] does not fit in '{first.Key}' [{string.Join(", ", first.Value.Shape)}]; crop_shape must be at most the image height and width");
        }
    }
}
