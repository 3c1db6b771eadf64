using System.Text.Json.Serialization;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;

namespace RobotActors.Policies.RewardClassifier;

/// <summary>LeRobot's RewardClassifierConfig: success/failure (or multi-class) from camera images.</summary>
[PolicyType("reward_classifier")]
public sealed class RewardClassifierConfig : PreTrainedConfig
{
    public RewardClassifierConfig()
    {
        NormalizationMapping = new() { ["VISUAL"] = NormalizationMode.MeanStd };
    }

    /// <summary>LeRobot [HEAD]'s reward-model configs carry their name; read so their config.json loads, written only when set.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; set; }

    [ConfigRange(">= 2")] public int NumClasses { get; set; } = 2;
    [ConfigRange(">= 1")] public int HiddenDim { get; set; } = 256;
    [ConfigRange(">= 1")] public int LatentDim { get; set; } = 256;
    [ConfigRange(">= 1")] public int ImageEmbeddingPoolingDim { get; set; } = 8;
    [ConfigRange("[0, 1)")] public double DropoutRate { get; set; } = 0.1;

    /// <summary>A pretrained backbone name (LeRobot: "helper2424/resnet10"); null selects the built-in 4-conv CNN.</summary>
    public string? ModelName { get; set; }
    public string ModelType { get; set; } = "cnn";
    [ConfigRange(">= 1")] public int NumCameras { get; set; } = 2;
    [ConfigRange(">= 1")] public int ImageEncoderHiddenDim { get; set; } = 32;
    [ConfigRange("> 0")] public double LearningRate { get; set; } = 1e-4;
    [ConfigRange(">= 0")] public double WeightDecay { get; set; } = 0.01;
    [ConfigRange(">= 0")] public double GradClipNorm { get; set; } = 1.0;

    [JsonIgnore]
    public bool IsBinary => NumClasses == 2;

    // RobotActors 0.1 wrote is_binary into config.json; it is read (and dropped) so those files load.
    [JsonInclude, JsonPropertyName("is_binary"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private bool? LegacyIsBinary { get; set; }

    public override OptimizerConfig GetOptimizerPreset() =>
        new AdamWConfig { Lr = LearningRate, WeightDecay = WeightDecay, GradClipNorm = GradClipNorm };

    public override void ValidateFeatures()
    {
        ValidateCommonFeatures();
        if (ImageFeatures.Count == 0)
            throw new PolicyConfigException("reward_classifier: input_features needs at least one observation.image(s).* feature");
        if (NumCameras != ImageFeatures.Count)
            throw new PolicyConfigException($"reward_classifier: num_cameras={NumCameras} but input_features has {ImageFeatures.Count} camera(s) ({string.Join(", ", ImageFeatures.Select(f => f.Key))}); the head reads latent_dim × num_cameras values, so set --policy.num_cameras={ImageFeatures.Count}");
        if (NumClasses < 2) throw new PolicyConfigException($"reward_classifier: num_classes={NumClasses}; use 2 for success/failure or more for classes");
        if (ModelType != "cnn")
            throw new PolicyConfigException($"reward_classifier: model_type '{ModelType}' is not supported; only 'cnn' is");
        if (ModelName is not null)
            throw new PolicyConfigException($"reward_classifier: pretrained backbone '{ModelName}' is not available (ResNet-10 is missing); set model_name to null to use the built-in CNN");
    }
}
