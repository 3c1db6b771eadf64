using System.Text.Json.Serialization;
using RobotActors.Policies.Configs;

namespace RobotActors.Policies.GaussianActor;

/// <summary>
/// The fields, checks and derived values LeRobot's gaussian_actor config and its v0.5 sac config share (the
/// policy side of HIL-SERL: encoder, tanh-Gaussian actor, discrete gripper critic), with LeRobot's names and
/// defaults. As in LeRobot, output_features["action"] counts the continuous dimensions only; with
/// num_discrete_actions the policy's actions carry the gripper index as one more, last column.
/// </summary>
public abstract class GaussianActorFields : PreTrainedConfig
{
    protected GaussianActorFields()
    {
        NormalizationMapping = new()
        {
            ["VISUAL"] = NormalizationMode.MeanStd,
            ["STATE"] = NormalizationMode.MinMax,
            ["ENV"] = NormalizationMode.MinMax,
            ["ACTION"] = NormalizationMode.MinMax,
        };
    }

    public Dictionary<string, Dictionary<string, double[]>>? DatasetStats { get; set; }
    public string StorageDevice { get; set; } = "cpu";
    public string? VisionEncoderName { get; set; }
    public bool FreezeVisionEncoder { get; set; } = true;
    [ConfigRange(">= 1")] public int ImageEncoderHiddenDim { get; set; } = 32;
    public bool SharedEncoder { get; set; } = true;
    [ConfigRange(">= 2")] public int? NumDiscreteActions { get; set; }
    [ConfigRange(">= 1")] public int ImageEmbeddingPoolingDim { get; set; } = 8;
    [ConfigRange(">= 1")] public int StateEncoderHiddenDim { get; set; } = 256;
    [ConfigRange(">= 1")] public int LatentDim { get; set; } = 256;
    [ConfigRange(">= 1")] public int OnlineSteps { get; set; } = 1_000_000;
    [ConfigRange(">= 1")] public int OnlineBufferCapacity { get; set; } = 100_000;
    [ConfigRange(">= 1")] public int OfflineBufferCapacity { get; set; } = 100_000;
    public bool AsyncPrefetch { get; set; }
    [ConfigRange(">= 0")] public int OnlineStepBeforeLearning { get; set; } = 100;
    public ActorLearnerConfig ActorLearnerConfig { get; set; } = new();
    public ConcurrencyConfig Concurrency { get; set; } = new();
    public ActorNetworkConfig ActorNetworkKwargs { get; set; } = new();
    public PolicyKwargsConfig PolicyKwargs { get; set; } = new();
    public CriticNetworkConfig DiscreteCriticNetworkKwargs { get; set; } = new();

    /// <summary>LeRobot's name for HIL-SERL's pretrained ResNet-10 (v0.5; [HEAD] calls it "lerobot/resnet10").</summary>
    public static readonly string[] PretrainedResNet10 = ["helper2424/resnet10", "lerobot/resnet10"];

    /// <summary>The ResNet-10 layout, trained from scratch (no Hub access here).</summary>
    public const string ResNet10 = "resnet10";

    [JsonIgnore]
    public bool UsesResNet10 => VisionEncoderName == ResNet10;

    /// <summary>The continuous action dimensions (the actor's output): output_features["action"], as in LeRobot.</summary>
    [JsonIgnore]
    public int ContinuousActionDim => ActionFeature?.Shape[0] ?? 0;

    /// <summary>What select_action returns per row: the continuous dimensions, then the gripper index when there is one.</summary>
    [JsonIgnore]
    public int ExecutedActionDim => ContinuousActionDim + (NumDiscreteActions is > 0 ? 1 : 0);

    [JsonIgnore]
    public override int? SelectedActionDim => ExecutedActionDim;

    /// <summary>LeRobot's default target entropy: −(continuous dims + 1 with a gripper) / 2.</summary>
    [JsonIgnore]
    public double DefaultTargetEntropy => -ExecutedActionDim / 2.0;

    /// <summary>
    /// A dataset's action column holds what the robot executed: with a gripper that is the continuous
    /// dimensions plus the gripper index, one more than the policy's output_features["action"].
    /// </summary>
    public override PolicyFeature PolicyActionFeature(PolicyFeature datasetAction) => ContinuousPart(Type, datasetAction, NumDiscreteActions);

    internal static PolicyFeature ContinuousPart(string type, PolicyFeature datasetAction, int? discreteActions)
    {
        if (discreteActions is not > 0) return datasetAction;
        if (datasetAction.Shape.Length != 1 || datasetAction.Shape[0] < 2)
            throw new PolicyConfigException($"{type}: num_discrete_actions={discreteActions} needs the dataset's action to hold the continuous dimensions and then the gripper index, but it has shape [{string.Join(", ", datasetAction.Shape)}]");
        return new PolicyFeature(datasetAction.Type, [datasetAction.Shape[0] - 1]);
    }

    /// <summary>
    /// LeRobot freezes the vision encoder by default because HIL-SERL loads a pretrained ResNet-10. Those
    /// weights cannot be loaded here, so a frozen backbone keeps its random initial weights, whose feature
    /// maps say little about the scene (a head trained on them locates a target several times worse than
    /// with the backbone trained; see the SAC encoder tests).
    /// </summary>
    public override IEnumerable<string> Warnings()
    {
        if (FreezeVisionEncoder && ImageFeatures.Count > 0)
            yield return $"{Type}: freeze_vision_encoder=true keeps the image backbone at its random initial weights (no pretrained weights are " +
                         "loaded here), so the policy will barely see its cameras; pass --policy.freeze_vision_encoder=false to train the backbone";
    }

    public override void ValidateFeatures()
    {
        ValidateCommonFeatures();
        RequireAction();
        // LeRobot asks for observation.state or a camera; an environment state alone is enough for the encoder here.
        if (!InputFeatures.Keys.Any(k => k == PolicyKeys.ObservationState || k == PolicyKeys.ObservationEnvironmentState || PolicyKeys.IsImage(k)))
            throw new PolicyConfigException($"{Type}: input_features needs at least one of observation.state, observation.environment_state or observation.image(s).*");
        if (PolicyKwargs.StdMin >= PolicyKwargs.StdMax)
            throw new PolicyConfigException($"{Type}: policy_kwargs.std_min={PolicyKwargs.StdMin} must be below policy_kwargs.std_max={PolicyKwargs.StdMax}");
        if (VisionEncoderName is not null && VisionEncoderName != ResNet10)
            throw new PolicyConfigException(PretrainedResNet10.Contains(VisionEncoderName)
                ? $"{Type}: the pretrained weights of '{VisionEncoderName}' cannot be loaded here (no Hub access); set vision_encoder_name to \"{ResNet10}\" for the same architecture trained from scratch"
                : $"{Type}: vision_encoder_name '{VisionEncoderName}' is not available; use null for the default 4-conv encoder or \"{ResNet10}\" for the ResNet-10 backbone");
        var images = ImageFeatures;
        foreach (var (key, f) in images)
            if (!f.Shape.SequenceEqual(images[0].Value.Shape))
                throw new PolicyConfigException($"{Type}: camera '{key}' has shape [{string.Join(",", f.Shape)}] but '{images[0].Key}' has [{string.Join(",", images[0].Value.Shape)}]; the shared backbone needs one image size");
    }

    /// <summary>Copies every field this class and PreTrainedConfig declare from <paramref name="source"/> (the v0.5 → v0.6 split).</summary>
    protected void CopyFrom(GaussianActorFields source)
    {
        foreach (var p in typeof(GaussianActorFields).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
            if (p is { CanRead: true, CanWrite: true } && (p.DeclaringType == typeof(GaussianActorFields) || p.DeclaringType == typeof(PreTrainedConfig)))
                p.SetValue(this, p.GetValue(source));
    }
}
