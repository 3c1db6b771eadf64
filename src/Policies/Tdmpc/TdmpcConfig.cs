using System.Text.Json.Serialization;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;

namespace RobotActors.Policies.Tdmpc;

/// <summary>
/// LeRobot's TDMPCConfig (TD-MPC with FOWM's changes), with its field names and defaults (tuned for xArm lift
/// with proprioception and one camera): a TOLD world model — observation encoder, latent dynamics, reward, a Q
/// ensemble, V and π heads — planned through with MPPI/CEM in latent space, trained on horizon-long windows.
/// </summary>
[PolicyType("tdmpc", Description = "TD-MPC: a latent world model (TOLD) with an MPPI/CEM planner; learns from demonstrations or online from the env's reward")]
public sealed class TdmpcConfig : PreTrainedConfig
{
    public TdmpcConfig()
    {
        NormalizationMapping = new()
        {
            ["VISUAL"] = NormalizationMode.Identity,
            ["STATE"] = NormalizationMode.Identity,
            ["ENV"] = NormalizationMode.Identity,
            ["ACTION"] = NormalizationMode.MinMax,
        };
    }

    // Input / output structure.
    [ConfigRange(">= 1")] public int NActionRepeats { get; set; } = 2;
    [ConfigRange(">= 1")] public int Horizon { get; set; } = 5;
    [ConfigRange(">= 1")] public int NActionSteps { get; set; } = 1;

    // Networks.
    [ConfigRange(">= 1")] public int ImageEncoderHiddenDim { get; set; } = 32;
    [ConfigRange(">= 1")] public int StateEncoderHiddenDim { get; set; } = 256;
    [ConfigRange(">= 1")] public int LatentDim { get; set; } = 50;
    [ConfigRange(">= 1")] public int QEnsembleSize { get; set; } = 5;
    [ConfigRange(">= 1")] public int MlpDim { get; set; } = 512;
    [ConfigRange("[0, 1]")] public double Discount { get; set; } = 0.9;

    // Inference.
    public bool UseMpc { get; set; } = true;
    [ConfigRange(">= 1")] public int CemIterations { get; set; } = 6;
    [ConfigRange("> 0")] public double MaxStd { get; set; } = 2.0;
    [ConfigRange(">= 0")] public double MinStd { get; set; } = 0.05;
    [ConfigRange(">= 1")] public int NGaussianSamples { get; set; } = 512;
    [ConfigRange(">= 0")] public int NPiSamples { get; set; } = 51;
    [ConfigRange(">= 0")] public double UncertaintyRegularizerCoeff { get; set; } = 1.0;
    [ConfigRange(">= 1")] public int NElites { get; set; } = 50;
    [ConfigRange(">= 0")] public double EliteWeightingTemperature { get; set; } = 0.5;
    [ConfigRange("[0, 1]")] public double GaussianMeanMomentum { get; set; } = 0.1;

    // Training and loss computation.
    [ConfigRange("[0, 0.5]")] public double MaxRandomShiftRatio { get; set; } = 0.0476;
    [ConfigRange(">= 0")] public double RewardCoeff { get; set; } = 0.5;
    [ConfigRange("[0, 1]")] public double ExpectileWeight { get; set; } = 0.9;
    [ConfigRange(">= 0")] public double ValueCoeff { get; set; } = 0.1;
    [ConfigRange(">= 0")] public double ConsistencyCoeff { get; set; } = 20.0;
    [ConfigRange(">= 0")] public double AdvantageScaling { get; set; } = 3.0;
    [ConfigRange(">= 0")] public double PiCoeff { get; set; } = 0.5;
    [ConfigRange(">= 0")] public double TemporalDecayCoeff { get; set; } = 0.5;
    [ConfigRange("[0, 1]")] public double TargetModelMomentum { get; set; } = 0.995;

    // Training presets.
    [ConfigRange("> 0")] public double OptimizerLr { get; set; } = 3e-4;

    /// <summary>The current observation and the horizon following ones (the consistency and TD targets).</summary>
    [JsonIgnore] public override IReadOnlyList<int>? ObservationDeltaIndices => Enumerable.Range(0, Horizon + 1).ToList();
    [JsonIgnore] public override IReadOnlyList<int>? ActionDeltaIndices => Enumerable.Range(0, Horizon).ToList();
    /// <summary>The only built-in policy that reads rewards from its dataset: one per action of the window.</summary>
    [JsonIgnore] public override IReadOnlyList<int>? RewardDeltaIndices => Enumerable.Range(0, Horizon).ToList();

    /// <summary>Adam at optimizer_lr with LeRobot's AdamConfig defaults (no weight decay, clip 10); no scheduler.</summary>
    public override OptimizerConfig GetOptimizerPreset() => new AdamConfig { Lr = OptimizerLr };

    /// <summary>The key the single camera is read under inside the model (LeRobot's OBS_IMAGE), whatever the dataset calls it.</summary>
    [JsonIgnore] internal string? CameraKey => ImageFeatures.Count > 0 ? ImageKeysInOrder[0] : null;

    public override void ValidateFeatures()
    {
        ValidateCommonFeatures();
        RequireAction();
        void Fail(string message) => throw new PolicyConfigException($"tdmpc: {message}");
        // LeRobot's __post_init__ checks.
        if (ModeFor(FeatureType.Action) != NormalizationMode.MinMax)
            Fail($"normalization_mapping.ACTION={ModeFor(FeatureType.Action).ToString()} must be MIN_MAX: TD-MPC plans and clamps actions in [-1, 1]");
        if (NObsSteps != 1)
            Fail($"n_obs_steps={NObsSteps} is not supported; TD-MPC encodes the current observation only (n_obs_steps must be 1)");
        if (NActionSteps > 1)
        {
            if (NActionRepeats != 1)
                Fail($"n_action_steps={NActionSteps} needs n_action_repeats=1 (got {NActionRepeats}): steps from the plan replace action repeats");
            if (!UseMpc)
                Fail($"n_action_steps={NActionSteps} needs use_mpc=true: without the planner π gives one action per call");
            if (NActionSteps > Horizon)
                Fail($"n_action_steps={NActionSteps} must be at most horizon={Horizon} (the plan is horizon actions long)");
        }
        if (NElites > NGaussianSamples + NPiSamples)
            Fail($"n_elites={NElites} must be at most n_gaussian_samples + n_pi_samples = {NGaussianSamples + NPiSamples} (the elites are picked from those samples)");
        if (MinStd > MaxStd)
            Fail($"min_std={MinStd} must be at most max_std={MaxStd}");
        // LeRobot's validate_features.
        var images = ImageFeatures;
        if (images.Count > 1)
            Fail($"input_features has {images.Count} cameras ({string.Join(", ", images.Select(i => i.Key))}); TD-MPC handles at most one image");
        if (images.Count == 1)
        {
            var (key, image) = images[0];
            if (image.Shape[^2] != image.Shape[^1])
                Fail($"input_features.{key} has shape [{string.Join(", ", image.Shape)}] (height {image.Shape[^2]}, width {image.Shape[^1]}); TD-MPC requires square images (height == width): resize or crop the camera");
        }
        if (images.Count == 0 && EnvStateFeature is null && RobotStateFeature is null)
            Fail($"input_features needs observation.state, observation.environment_state or one camera; got {Act.ActConfig.FeatureList(InputFeatures)}");
    }
}
