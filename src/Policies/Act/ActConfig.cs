using System.Text.Json.Serialization;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Networks;
using RobotActors.Policies.Networks.Transformer;
using RobotActors.Policies.Optim;

namespace RobotActors.Policies.Act;

/// <summary>
/// LeRobot's ACTConfig (Action Chunking Transformer), with its field names and defaults (tuned for bimanual
/// ALOHA): a ResNet-18 over each camera, a transformer encoder-decoder predicting chunk_size actions, and a
/// CVAE encoder over the action chunk during training.
/// </summary>
[PolicyType("act", Description = "Action Chunking Transformer (ACT): imitation from demonstrations; a CVAE transformer over a ResNet-18 predicts chunks of actions")]
public sealed class ActConfig : PreTrainedConfig
{
    /// <summary>torchvision's name for the ImageNet weights LeRobot downloads by default.</summary>
    public const string TorchvisionImageNetWeights = "ResNet18_Weights.IMAGENET1K_V1";

    public ActConfig()
    {
        NormalizationMapping = new()
        {
            ["VISUAL"] = NormalizationMode.MeanStd,
            ["STATE"] = NormalizationMode.MeanStd,
            ["ACTION"] = NormalizationMode.MeanStd,
        };
    }

    [ConfigRange(">= 1")] public int ChunkSize { get; set; } = 100;
    [ConfigRange(">= 1")] public int NActionSteps { get; set; } = 100;
    public string VisionBackbone { get; set; } = "resnet18";

    /// <summary>
    /// A safetensors file of torchvision ResNet weights, or null for random weights. LeRobot's default names
    /// torchvision's download, which is not available here: it leaves the backbone random (with a warning).
    /// </summary>
    public string? PretrainedBackboneWeights { get; set; } = TorchvisionImageNetWeights;
    public bool ReplaceFinalStrideWithDilation { get; set; }
    public bool PreNorm { get; set; }
    [ConfigRange(">= 1")] public int DimModel { get; set; } = 512;
    [ConfigRange(">= 1")] public int NHeads { get; set; } = 8;
    [ConfigRange(">= 1")] public int DimFeedforward { get; set; } = 3200;
    public string FeedforwardActivation { get; set; } = "relu";
    [ConfigRange(">= 1")] public int NEncoderLayers { get; set; } = 4;

    /// <summary>1, as LeRobot: the original ACT's 7-layer decoder only ever used its first layer.</summary>
    [ConfigRange(">= 1")] public int NDecoderLayers { get; set; } = 1;
    public bool UseVae { get; set; } = true;
    [ConfigRange(">= 1")] public int LatentDim { get; set; } = 32;
    [ConfigRange(">= 1")] public int NVaeEncoderLayers { get; set; } = 4;

    /// <summary>Temporal ensembling weight decay (the original ACT uses 0.01); null turns it off. Needs n_action_steps = 1.</summary>
    public double? TemporalEnsembleCoeff { get; set; }
    [ConfigRange("[0, 1)")] public double Dropout { get; set; } = 0.1;
    [ConfigRange(">= 0")] public double KlWeight { get; set; } = 10.0;
    [ConfigRange("> 0")] public double OptimizerLr { get; set; } = 1e-5;
    [ConfigRange(">= 0")] public double OptimizerWeightDecay { get; set; } = 1e-4;
    [ConfigRange(">= 0")] public double OptimizerLrBackbone { get; set; } = 1e-5;

    [JsonIgnore] public override IReadOnlyList<int>? ActionDeltaIndices => Enumerable.Range(0, ChunkSize).ToList();

    public override OptimizerConfig GetOptimizerPreset() => new AdamWConfig { Lr = OptimizerLr, WeightDecay = OptimizerWeightDecay };

    internal TransformerSettings Transformer => new(DimModel, NHeads, DimFeedforward, Dropout, FeedforwardActivation, PreNorm);

    /// <summary>True when pretrained_backbone_weights names a file to load (not torchvision's download name, not null).</summary>
    internal static bool IsWeightsFile(string? value) => value is not null && !value.Contains("_Weights.", StringComparison.Ordinal);

    public override IEnumerable<string> Warnings()
    {
        if (ImageFeatures.Count > 0 && PretrainedBackboneWeights is { } w && !IsWeightsFile(w))
            yield return $"act: pretrained_backbone_weights=\"{w}\" names torchvision's download, which is not available here, so the {VisionBackbone} " +
                         "backbone starts from random weights; point --policy.pretrained_backbone_weights at a torchvision state dict saved as " +
                         "safetensors to start from ImageNet weights, or set it to null to silence this warning";
    }

    public override void ValidateFeatures()
    {
        ValidateCommonFeatures();
        RequireAction();
        if (NActionSteps > ChunkSize)
            throw new PolicyConfigException($"act: n_action_steps={NActionSteps} is larger than chunk_size={ChunkSize}; n_action_steps must be at most chunk_size (a model call predicts chunk_size actions)");
        if (TemporalEnsembleCoeff is not null && NActionSteps != 1)
            throw new PolicyConfigException($"act: temporal_ensemble_coeff={TemporalEnsembleCoeff} needs n_action_steps=1 (the ensemble is recomputed at every step), got n_action_steps={NActionSteps}");
        if (NObsSteps != 1)
            throw new PolicyConfigException($"act: n_obs_steps={NObsSteps} is not supported; ACT takes the current observation only (n_obs_steps must be 1)");
        if (!VisionBackbone.StartsWith("resnet", StringComparison.Ordinal) || !ResNet.SupportedNames.Contains(VisionBackbone))
            throw new PolicyConfigException($"act: vision_backbone='{VisionBackbone}' is not available; use one of {string.Join(", ", ResNet.SupportedNames)}");
        if (ReplaceFinalStrideWithDilation)
            throw new PolicyConfigException($"act: replace_final_stride_with_dilation=true is not supported by {VisionBackbone} (torchvision's BasicBlock has no dilation); set it to false");
        if (DimModel % NHeads != 0)
            throw new PolicyConfigException($"act: dim_model={DimModel} must be divisible by n_heads={NHeads}");
        if (!TransformerSettings.Activations.Contains(FeedforwardActivation))
            throw new PolicyConfigException($"act: feedforward_activation='{FeedforwardActivation}' must be one of {string.Join(", ", TransformerSettings.Activations)}");
        if (ImageFeatures.Count == 0 && EnvStateFeature is null)
            throw new PolicyConfigException($"act: input_features needs at least one camera (observation.image or observation.images.*) or observation.environment_state; got {FeatureList(InputFeatures)}");
    }

    internal static string FeatureList(IReadOnlyDictionary<string, PolicyFeature> features) =>
        features.Count == 0 ? "none" : string.Join(", ", features.Select(kv => $"{kv.Key} {kv.Value}"));
}
