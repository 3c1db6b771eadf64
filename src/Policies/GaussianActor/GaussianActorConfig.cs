using System.Text.Json.Serialization;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;

namespace RobotActors.Policies.GaussianActor;

/// <summary>
/// LeRobot's GaussianActorConfig (--policy.type=gaussian_actor): what the robot runs — the observation
/// encoder, the tanh-Gaussian actor and the discrete gripper critic. The critics, targets, temperature and
/// losses belong to the RL algorithm (RobotActors.Rl's SACAlgorithmConfig). Field names and defaults are
/// LeRobot's. As there, output_features["action"] counts the continuous dimensions only; with
/// num_discrete_actions the policy's actions carry the gripper index as one more, last column.
/// </summary>
[PolicyType("gaussian_actor")]
public sealed class GaussianActorConfig : PreTrainedConfig
{
    public GaussianActorConfig()
    {
        NormalizationMapping = new()
        {
            ["VISUAL"] = NormalizationMode.MeanStd,
            ["STATE"] = NormalizationMode.MinMax,
            ["ENV"] = NormalizationMode.MinMax,
            ["ACTION"] = NormalizationMode.MinMax,
        };
    }

    /// <summary>LeRobot's placeholder statistics (ImageNet mean/std, unit boxes); the trainer uses the dataset's.</summary>
    public Dictionary<string, Dictionary<string, double[]>>? DatasetStats { get; set; } = new()
    {
        [PolicyKeys.ObservationImage] = new() { ["mean"] = [0.485, 0.456, 0.406], ["std"] = [0.229, 0.224, 0.225] },
        [PolicyKeys.ObservationState] = new() { ["min"] = [0.0, 0.0], ["max"] = [1.0, 1.0] },
        [PolicyKeys.Action] = new() { ["min"] = [0.0, 0.0, 0.0], ["max"] = [1.0, 1.0, 1.0] },
    };

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
    public ConcurrencyConfig Concurrency { get; set; } = new() { MultiprocessingContext = "spawn" };
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
    /// <summary>The policy type named in messages: "sac" when this is the policy half of a v0.5 sac config.</summary>
    internal string? ReportAs { get; init; }

    private string Name => ReportAs ?? Type;

    [JsonIgnore]
    public int ContinuousActionDim => ActionFeature?.Shape[0] ?? 0;

    /// <summary>What select_action returns per row: the continuous dimensions, then the gripper index when there is one.</summary>
    [JsonIgnore]
    public int ExecutedActionDim => ContinuousActionDim + (NumDiscreteActions is > 0 ? 1 : 0);

    /// <summary>LeRobot's default target entropy: −(continuous dims + 1 with a gripper) / 2.</summary>
    [JsonIgnore]
    public double DefaultTargetEntropy => -ExecutedActionDim / 2.0;

    /// <summary>LeRobot's optimizer preset (bypassed by the SAC algorithm, which builds its own from its learning rates).</summary>
    public override OptimizerConfig GetOptimizerPreset() => new MultiAdamConfig
    {
        WeightDecay = 0,
        OptimizerGroups = new()
        {
            ["actor"] = new() { Lr = 3e-4 },
            ["critic"] = new() { Lr = 3e-4 },
            ["temperature"] = new() { Lr = 3e-4 },
        },
    };

    /// <summary>
    /// A dataset's action column holds what the robot executed: with a gripper that is the continuous
    /// dimensions plus the gripper index, one more than the policy's output_features["action"].
    /// </summary>
    public override PolicyFeature PolicyActionFeature(PolicyFeature datasetAction) => ContinuousPart(Name, datasetAction, NumDiscreteActions);

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
            yield return $"{Name}: freeze_vision_encoder=true keeps the image backbone at its random initial weights (no pretrained weights are " +
                         "loaded here), so the policy will barely see its cameras; pass --policy.freeze_vision_encoder=false to train the backbone";
    }

    public override void ValidateFeatures()
    {
        ValidateCommonFeatures();
        RequireAction();
        // LeRobot asks for observation.state or a camera; an environment state alone is enough for the encoder here.
        if (!InputFeatures.Keys.Any(k => k == PolicyKeys.ObservationState || k == PolicyKeys.ObservationEnvironmentState || PolicyKeys.IsImage(k)))
            throw new PolicyConfigException($"{Name}: input_features needs at least one of observation.state, observation.environment_state or observation.image(s).*");
        if (PolicyKwargs.StdMin >= PolicyKwargs.StdMax)
            throw new PolicyConfigException($"{Name}: policy_kwargs.std_min={PolicyKwargs.StdMin} must be below policy_kwargs.std_max={PolicyKwargs.StdMax}");
        if (VisionEncoderName is not null && VisionEncoderName != ResNet10)
            throw new PolicyConfigException(PretrainedResNet10.Contains(VisionEncoderName)
                ? $"{Name}: the pretrained weights of '{VisionEncoderName}' cannot be loaded here (no Hub access); set vision_encoder_name to \"{ResNet10}\" for the same architecture trained from scratch"
                : $"{Name}: vision_encoder_name '{VisionEncoderName}' is not available; use null for the default 4-conv encoder or \"{ResNet10}\" for the ResNet-10 backbone");
        var images = ImageFeatures;
        foreach (var (key, f) in images)
            if (!f.Shape.SequenceEqual(images[0].Value.Shape))
                throw new PolicyConfigException($"{Name}: camera '{key}' has shape [{string.Join(",", f.Shape)}] but '{images[0].Key}' has [{string.Join(",", images[0].Value.Shape)}]; the shared backbone needs one image size");
    }
}
