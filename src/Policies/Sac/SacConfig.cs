using System.Text.Json.Serialization;
using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Optim;

namespace RobotActors.Policies.Sac;

/// <summary>
/// LeRobot v0.5's SACConfig (--policy.type=sac): the HIL-SERL policy with every SAC field in the policy.
/// Since v0.6 LeRobot splits it into the gaussian_actor policy (<see cref="ToGaussianActorConfig"/>) and
/// the SAC algorithm's config (RobotActors.Rl maps the rest); this config means exactly that pair. Field
/// names and defaults are LeRobot's; output_features["action"] counts the continuous dimensions only.
/// The policy class it makes lives in RobotActors.Rl with the SAC algorithm.
/// </summary>
[PolicyType("sac")]
public sealed class SacConfig : GaussianActorFields
{
    /// <summary>In LeRobot's v0.5-era example configs (lerobot-hilserl-guide); read so they load, written only when set.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? OnlineEnvSeed { get; set; }
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
    public double? TargetEntropy { get; set; }
    public bool UseBackupEntropy { get; set; } = true;
    [ConfigRange(">= 0")] public double GradClipNorm { get; set; } = 40.0;
    public CriticNetworkConfig CriticNetworkKwargs { get; set; } = new();
    public bool UseTorchCompile { get; set; }

    // RobotActors 0.1 wrote two computed values into config.json; they are read (and dropped) so those files load.
    [JsonInclude, JsonPropertyName("continuous_action_dim"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private int? LegacyContinuousActionDim { get; set; }

    [JsonInclude, JsonPropertyName("effective_target_entropy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private double? LegacyEffectiveTargetEntropy { get; set; }

    /// <summary>The policy half of the v0.6 split: every field gaussian_actor has, with the same values.</summary>
    public GaussianActorConfig ToGaussianActorConfig() => GaussianActorConfig.From(this);

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

    public override void ValidateFeatures()
    {
        base.ValidateFeatures();
        if (NumSubsampleCritics is { } k && k > NumCritics)
            throw new PolicyConfigException($"sac: num_subsample_critics={k} must be between 1 and num_critics={NumCritics}");
    }
}
