using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;

namespace RobotActors.Policies.Sac;

/// <summary>LeRobot's SACConfig (HIL-SERL), with its field names and defaults.</summary>
[PolicyType("sac")]
public sealed class SacConfig : PreTrainedConfig
{
    public SacConfig()
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
    [ConfigRange(">= 0")] public int? NumDiscreteActions { get; set; }
    [ConfigRange(">= 1")] public int ImageEmbeddingPoolingDim { get; set; } = 8;
    [ConfigRange(">= 1")] public int OnlineSteps { get; set; } = 1_000_000;
    [ConfigRange(">= 1")] public int OnlineBufferCapacity { get; set; } = 100_000;
    [ConfigRange(">= 1")] public int OfflineBufferCapacity { get; set; } = 100_000;
    public bool AsyncPrefetch { get; set; }
    [ConfigRange(">= 0")] public int OnlineStepBeforeLearning { get; set; } = 100;
    [ConfigRange(">= 1")] public int PolicyUpdateFreq { get; set; } = 1;
    [ConfigRange("(0, 1]")] public double Discount { get; set; } = 0.99;
    [ConfigRange("> 0")] public double TemperatureInit { get; set; } = 1.0;
    [ConfigRange(">= 1")] public int NumCritics { get; set; } = 2;
    [ConfigRange(">= 1")] public int? NumSubsampleCritics { get; set; }
    [ConfigRange("> 0")] public double CriticLr { get; set; } = 3e-4;
    [ConfigRange("> 0")] public double ActorLr { get; set; } = 3e-4;
    [ConfigRange("> 0")] public double TemperatureLr { get; set; } = 3e-4;
    [ConfigRange("(0, 1]")] public double CriticTargetUpdateWeight { get; set; } = 0.005;
    [ConfigRange(">= 1")] public int UtdRatio { get; set; } = 1;
    [ConfigRange(">= 1")] public int StateEncoderHiddenDim { get; set; } = 256;
    [ConfigRange(">= 1")] public int LatentDim { get; set; } = 256;
    public double? TargetEntropy { get; set; }
    public bool UseBackupEntropy { get; set; } = true;
    [ConfigRange(">= 0")] public double GradClipNorm { get; set; } = 40.0;
    public NetworkKwargs CriticNetworkKwargs { get; set; } = new();
    public NetworkKwargs ActorNetworkKwargs { get; set; } = new();
    public PolicyKwargsConfig PolicyKwargs { get; set; } = new();
    public NetworkKwargs DiscreteCriticNetworkKwargs { get; set; } = new();
    public ActorLearnerConfig ActorLearnerConfig { get; set; } = new();
    public ConcurrencyConfig Concurrency { get; set; } = new();
    public bool UseTorchCompile { get; set; }

    /// <summary>LeRobot's name for HIL-SERL's pretrained ResNet-10.</summary>
    public const string PretrainedResNet10 = "helper2424/resnet10";

    public static bool IsResNet10(string? name) => name is "resnet10" or PretrainedResNet10;

    /// <summary>Continuous action dimensions: the action vector minus the gripper index, which is always last.</summary>
    public int ContinuousActionDim => (ActionFeature?.Shape[0] ?? 0) - (NumDiscreteActions is > 0 ? 1 : 0);

    public double EffectiveTargetEntropy => TargetEntropy ?? -(ContinuousActionDim + (NumDiscreteActions is > 0 ? 1 : 0)) / 2.0;

    public override OptimizerConfig GetOptimizerPreset() => new MultiAdamConfig
    {
        WeightDecay = 0,
        GradClipNorm = GradClipNorm,
        OptimizerGroups = new()
        {
            ["actor"] = new() { Lr = ActorLr },
            ["critic"] = new() { Lr = CriticLr },
            ["temperature"] = new() { Lr = TemperatureLr },
            ["discrete_critic"] = new() { Lr = CriticLr },
        },
    };

    /// <summary>
    /// LeRobot freezes the vision encoder by default because HIL-SERL loads a pretrained ResNet-10. Those
    /// weights cannot be loaded here, so a frozen backbone keeps its random initial weights, whose feature
    /// maps say little about the scene (SacEncoderTests.A_frozen_random_backbone_barely_sees_the_target...:
    /// a head trained on them locates a target several times worse than with the backbone trained).
    /// </summary>
    public override IEnumerable<string> Warnings()
    {
        if (FreezeVisionEncoder && ImageFeatures.Count > 0)
            yield return "sac: freeze_vision_encoder=true keeps the image backbone at its random initial weights (no pretrained weights are " +
                         "loaded here), so the policy will barely see its cameras; pass --policy.freeze_vision_encoder=false to train the backbone";
    }

    public override void ValidateFeatures()
    {
        ValidateCommonFeatures();
        var action = RequireAction();
        if (!InputFeatures.Keys.Any(k => k == PolicyKeys.ObservationState || k == PolicyKeys.ObservationEnvironmentState || PolicyKeys.IsImage(k)))
            throw new PolicyConfigException("sac: input_features needs at least one of observation.state, observation.environment_state or observation.image(s).*");
        if (NumDiscreteActions is > 0 && action.Shape[0] < 2)
            throw new PolicyConfigException($"sac: num_discrete_actions={NumDiscreteActions} needs an action vector of continuous dims plus the gripper index last, but 'action' has shape [{action.Shape[0]}]");
        if (NumCritics < 1) throw new PolicyConfigException("sac: num_critics must be at least 1");
        if (NumSubsampleCritics is { } k && (k < 1 || k > NumCritics))
            throw new PolicyConfigException($"sac: num_subsample_critics={k} must be between 1 and num_critics={NumCritics}");
        if (UtdRatio < 1 || PolicyUpdateFreq < 1) throw new PolicyConfigException("sac: utd_ratio and policy_update_freq must be at least 1");
        if (PolicyKwargs.StdMin >= PolicyKwargs.StdMax)
            throw new PolicyConfigException($"sac: policy_kwargs.std_min={PolicyKwargs.StdMin} must be below policy_kwargs.std_max={PolicyKwargs.StdMax}");
        if (VisionEncoderName is not null && !IsResNet10(VisionEncoderName))
            throw new PolicyConfigException($"sac: vision_encoder_name '{VisionEncoderName}' is not available; use null for the default 4-conv encoder or \"resnet10\" for the ResNet-10 backbone");
        if (VisionEncoderName == PretrainedResNet10)
            throw new PolicyConfigException($"sac: the pretrained weights of '{PretrainedResNet10}' cannot be loaded here (no Hub access); set vision_encoder_name to \"resnet10\" for the same architecture trained from scratch");
    }
}

public sealed class NetworkKwargs
{
    [ConfigRange(">= 1")] public int[] HiddenDims { get; set; } = [256, 256];
    public bool ActivateFinal { get; set; } = true;
    public string? FinalActivation { get; set; }
}

public sealed class PolicyKwargsConfig
{
    public bool UseTanhSquash { get; set; } = true;
    [ConfigRange("> 0")] public double StdMin { get; set; } = 1e-5;
    [ConfigRange("> 0")] public double StdMax { get; set; } = 10.0;
    [ConfigRange("> 0")] public double InitFinal { get; set; } = 0.05;
}

public sealed class ActorLearnerConfig
{
    public string LearnerHost { get; set; } = "127.0.0.1";
    [ConfigRange("[1, 65535]")] public int LearnerPort { get; set; } = 50051;
    [ConfigRange("> 0")] public double PolicyParametersPushFrequency { get; set; } = 4;
    [ConfigRange("> 0")] public double QueueGetTimeout { get; set; } = 2;
}

public sealed class ConcurrencyConfig
{
    public string Actor { get; set; } = "threads";
    public string Learner { get; set; } = "threads";
}
