using System.Text.Json.Serialization;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Networks;
using RobotActors.Policies.Optim;

namespace RobotActors.Policies.Vqbet;

/// <summary>
/// LeRobot's VQBeTConfig (VQ-BeT, "Behavior Generation with Latent Actions", Lee et al. 2024), with its field
/// names and defaults (tuned for PushT: one camera plus the robot state; ImageNet ResNet-18 with batch norm since
/// LeRobot #3202). A residual VQ-VAE first learns to discretize action chunks (n_vqvae_training_steps), then a
/// GPT over the observation history predicts each chunk's codes and a continuous offset.
/// </summary>
[PolicyType("vqbet", Description = "VQ-BeT: imitation from demonstrations; a residual VQ-VAE discretizes action chunks, a GPT predicts their codes and offsets")]
public sealed class VqbetConfig : PreTrainedConfig
{
    /// <summary>LeRobot's residual VQ always has two layers (primary and secondary code).</summary>
    public const int VqvaeNumLayers = 2;

    public VqbetConfig()
    {
        NObsSteps = 5;
        NormalizationMapping = new()
        {
            ["VISUAL"] = NormalizationMode.Identity,
            ["STATE"] = NormalizationMode.MinMax,
            ["ACTION"] = NormalizationMode.MinMax,
        };
    }

    /// <summary>Action query tokens: the current one and n_action_pred_token - 1 future ones.</summary>
    [ConfigRange(">= 1")] public int NActionPredToken { get; set; } = 3;

    /// <summary>Actions per query token; select_action executes all of them before predicting again.</summary>
    [ConfigRange(">= 1")] public int ActionChunkSize { get; set; } = 5;
    public string VisionBackbone { get; set; } = "resnet18";
    [ConfigRange(">= 1")] public int[]? CropShape { get; set; } = [84, 84];
    public bool CropIsRandom { get; set; } = true;

    /// <summary>A safetensors file of torchvision ResNet weights, or null; LeRobot's default (torchvision's download name) leaves the backbone random here.</summary>
    public string? PretrainedBackboneWeights { get; set; } = Act.ActConfig.TorchvisionImageNetWeights;
    public bool UseGroupNorm { get; set; }
    [ConfigRange(">= 1")] public int SpatialSoftmaxNumKeypoints { get; set; } = 32;
    [ConfigRange(">= 0")] public int NVqvaeTrainingSteps { get; set; } = 20000;
    [ConfigRange(">= 1")] public int VqvaeNEmbed { get; set; } = 16;
    [ConfigRange(">= 1")] public int VqvaeEmbeddingDim { get; set; } = 256;
    [ConfigRange(">= 1")] public int VqvaeEncHiddenDim { get; set; } = 128;
    [ConfigRange(">= 1")] public int GptBlockSize { get; set; } = 500;
    [ConfigRange(">= 1")] public int GptInputDim { get; set; } = 512;
    [ConfigRange(">= 1")] public int GptOutputDim { get; set; } = 512;
    [ConfigRange(">= 1")] public int GptNLayer { get; set; } = 8;
    [ConfigRange(">= 1")] public int GptNHead { get; set; } = 8;
    [ConfigRange(">= 1")] public int GptHiddenDim { get; set; } = 512;
    [ConfigRange("[0, 1)")] public double Dropout { get; set; } = 0.1;
    [ConfigRange(">= 0")] public double OffsetLossWeight { get; set; } = 10000.0;
    [ConfigRange(">= 0")] public double PrimaryCodeLossWeight { get; set; } = 5.0;
    [ConfigRange(">= 0")] public double SecondaryCodeLossWeight { get; set; } = 0.5;
    [ConfigRange("> 0")] public double BetSoftmaxTemperature { get; set; } = 0.1;
    public bool SequentiallySelect { get; set; }
    [ConfigRange("> 0")] public double OptimizerLr { get; set; } = 1e-4;
    [ConfigRange("[0, 1)")] public double[] OptimizerBetas { get; set; } = [0.95, 0.999];
    [ConfigRange("> 0")] public double OptimizerEps { get; set; } = 1e-8;
    [ConfigRange(">= 0")] public double OptimizerWeightDecay { get; set; } = 1e-6;
    [ConfigRange("> 0")] public double OptimizerVqvaeLr { get; set; } = 1e-3;
    [ConfigRange(">= 0")] public double OptimizerVqvaeWeightDecay { get; set; } = 1e-4;
    [ConfigRange(">= 0")] public int SchedulerWarmupSteps { get; set; } = 500;

    [JsonIgnore] public override IReadOnlyList<int>? ObservationDeltaIndices => Enumerable.Range(1 - NObsSteps, NObsSteps).ToList();

    /// <summary>range(1 - n_obs_steps, n_action_pred_token + action_chunk_size - 1): every query token's chunk.</summary>
    [JsonIgnore]
    public override IReadOnlyList<int>? ActionDeltaIndices =>
        Enumerable.Range(1 - NObsSteps, NObsSteps + NActionPredToken + ActionChunkSize - 2).ToList();

    /// <summary>GPT tokens per call: (camera, state, action query) per observation step, then the future query tokens.</summary>
    [JsonIgnore] internal int GptTokens => NObsSteps * 3 + NActionPredToken - 1;

    /// <summary>Query tokens whose chunks are predicted: one per observation step, then the future ones.</summary>
    [JsonIgnore] internal int QueryTokens => NObsSteps + NActionPredToken - 1;

    public override OptimizerConfig GetOptimizerPreset() => new AdamConfig
    {
        Lr = OptimizerLr, Betas = OptimizerBetas, Eps = OptimizerEps, WeightDecay = OptimizerWeightDecay,
    };

    public override SchedulerConfig? GetSchedulerPreset() => new VqbetSchedulerConfig
    {
        NumWarmupSteps = SchedulerWarmupSteps, NumVqvaeTrainingSteps = NVqvaeTrainingSteps,
    };

    public override IEnumerable<string> Warnings()
    {
        if (PretrainedBackboneWeights is { } w && !Act.ActConfig.IsWeightsFile(w))
            yield return $"vqbet: pretrained_backbone_weights=\"{w}\" names torchvision's download, which is not available here, so the {VisionBackbone} " +
                         "encoder starts from random weights; point --policy.pretrained_backbone_weights at a torchvision state dict saved as " +
                         "safetensors, or set it to null to silence this warning";
    }

    /// <summary>
    /// Drops an environment state from input_features: VQ-BeT's tokens are one camera and observation.state per step,
    /// and LeRobot's query-token positions (counted from len(input_features)) would be wrong with a third input. The
    /// trainer then lists it among the dataset features the policy does not use.
    /// </summary>
    internal void DropUnreadInputs()
    {
        if (EnvStateFeature is { } env) InputFeatures.Remove(env.Key);
    }

    public override void ValidateFeatures()
    {
        ValidateCommonFeatures();
        RequireAction();
        void Fail(string message) => throw new PolicyConfigException($"vqbet: {message}");
        if (!VisionBackbone.StartsWith("resnet", StringComparison.Ordinal) || !ResNet.SupportedNames.Contains(VisionBackbone))
            Fail($"vision_backbone='{VisionBackbone}' is not available; use one of {string.Join(", ", ResNet.SupportedNames)}");
        if (GptHiddenDim % GptNHead != 0)
            Fail($"gpt_hidden_dim={GptHiddenDim} must be divisible by gpt_n_head={GptNHead}");
        if (GptTokens > GptBlockSize)
            Fail($"gpt_block_size={GptBlockSize} is smaller than the {GptTokens} GPT tokens (3 per observation step × n_obs_steps={NObsSteps} + n_action_pred_token={NActionPredToken} - 1); raise gpt_block_size");
        if (UseGroupNorm && Act.ActConfig.IsWeightsFile(PretrainedBackboneWeights))
            Fail("use_group_norm=true cannot be combined with pretrained_backbone_weights (replacing batch norm ruins pretrained weights); set one of them off");
        if (CropShape is not null && (CropShape.Length != 2 || CropShape.Any(d => d <= 0)))
            Fail($"crop_shape must be a pair of positive integers or null, got [{string.Join(", ", CropShape)}]");
        if (RobotStateFeature is null)
            Fail($"input_features needs 'observation.state' (VQ-BeT conditions on the robot state); got {Act.ActConfig.FeatureList(InputFeatures)}");
        var images = ImageFeatures;
        // LeRobot's validate_features: "You must provide only one image among the inputs."
        if (images.Count != 1)
            Fail($"input_features has {images.Count} cameras ({(images.Count == 0 ? "none" : string.Join(", ", images.Select(i => i.Key)))}); " +
                 "VQ-BeT supports exactly one image input, so keep one camera (e.g. rename or drop the others)");
        var (key, image) = images[0];
        if (CropShape is { Length: 2 } c && (c[0] > image.Shape[1] || c[1] > image.Shape[2]))
            Fail($"crop_shape [{c[0]}, {c[1]}] does not fit in '{key}' [{string.Join(", ", image.Shape)}]; crop_shape must be at most the image height and width (or null)");
    }
}
