using System.Text.Json;
using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Sac;

namespace RobotActors.Rl.Algorithms.Sac;

/// <summary>
/// LeRobot's SACAlgorithmConfig (--algorithm.type=sac, [HEAD] rl/algorithms/sac/configuration_sac.py):
/// the algorithm side of HIL-SERL's SAC — learning rates, Bellman update, critic ensemble, temperature and
/// the update loop. Field names and defaults are LeRobot's. The policy it trains is a gaussian_actor.
/// </summary>
public sealed class SacAlgorithmConfig
{
    public const string TypeName = "sac";

    [ConfigRange("> 0")] public double ActorLr { get; set; } = 3e-4;
    [ConfigRange("> 0")] public double CriticLr { get; set; } = 3e-4;
    [ConfigRange("> 0")] public double TemperatureLr { get; set; } = 3e-4;
    [ConfigRange("(0, 1]")] public double Discount { get; set; } = 0.99;
    public bool UseBackupEntropy { get; set; } = true;
    [ConfigRange("(0, 1]")] public double CriticTargetUpdateWeight { get; set; } = 0.005;
    [ConfigRange(">= 1")] public int NumCritics { get; set; } = 2;
    [ConfigRange(">= 1")] public int? NumSubsampleCritics { get; set; }
    public CriticNetworkConfig CriticNetworkKwargs { get; set; } = new();
    public CriticNetworkConfig DiscreteCriticNetworkKwargs { get; set; } = new();
    [ConfigRange("> 0")] public double TemperatureInit { get; set; } = 1.0;
    public double? TargetEntropy { get; set; }
    [ConfigRange(">= 1")] public int UtdRatio { get; set; } = 1;
    [ConfigRange(">= 1")] public int PolicyUpdateFreq { get; set; } = 1;
    [ConfigRange(">= 0")] public double GradClipNorm { get; set; } = 40.0;
    public bool UseTorchCompile { get; set; }

    /// <summary>
    /// The algorithm half of a v0.5 sac config: the same numbers (LeRobot's from_policy_config before the
    /// split). The v0.5 learner's temperature optimizer used critic_lr; this uses temperature_lr, as [HEAD].
    /// </summary>
    public static SacAlgorithmConfig FromSacConfig(SacConfig sac) => new()
    {
        ActorLr = sac.ActorLr,
        CriticLr = sac.CriticLr,
        TemperatureLr = sac.TemperatureLr,
        Discount = sac.Discount,
        UseBackupEntropy = sac.UseBackupEntropy,
        CriticTargetUpdateWeight = sac.CriticTargetUpdateWeight,
        NumCritics = sac.NumCritics,
        NumSubsampleCritics = sac.NumSubsampleCritics,
        CriticNetworkKwargs = sac.CriticNetworkKwargs,
        DiscreteCriticNetworkKwargs = sac.DiscreteCriticNetworkKwargs,
        TemperatureInit = sac.TemperatureInit,
        TargetEntropy = sac.TargetEntropy,
        UtdRatio = sac.UtdRatio,
        PolicyUpdateFreq = sac.PolicyUpdateFreq,
        GradClipNorm = sac.GradClipNorm,
        UseTorchCompile = sac.UseTorchCompile,
    };

    /// <summary>LeRobot's from_policy_config for a gaussian_actor: defaults, with the policy's discrete-critic network.</summary>
    public static SacAlgorithmConfig FromPolicyConfig(GaussianActorConfig policy) => new() { DiscreteCriticNetworkKwargs = policy.DiscreteCriticNetworkKwargs };

    /// <summary>
    /// Checks every field's range (config ranges: learning rates > 0, discount in (0, 1], counts ≥ 1, finite
    /// numbers) and the cross-field rule, naming the field as --algorithm.&lt;field&gt; (or <paramref name="describe"/>).
    /// </summary>
    public void Validate(Func<string, string>? describe = null)
    {
        ConfigRanges.Check(this, describe ?? (p => "--algorithm." + p));
        if (NumSubsampleCritics is { } k && k > NumCritics)
            throw new PolicyConfigException($"algorithm: num_subsample_critics={k} must be at most num_critics={NumCritics}");
    }

    /// <summary>As LeRobot writes it: "type" first, then the fields in snake_case.</summary>
    public JsonObject ToJsonObject()
    {
        var body = JsonSerializer.SerializeToNode(this, ConfigJson.Options)!.AsObject();
        var result = new JsonObject { ["type"] = TypeName };
        foreach (var (k, v) in body.ToList())
        {
            body.Remove(k);
            result[k] = v;
        }
        return result;
    }

    /// <summary>Reads {"type": "sac", ...} with dotted overrides ("critic_network_kwargs.hidden_dims" = "[64,64]").</summary>
    public static SacAlgorithmConfig FromJson(JsonObject? node, IEnumerable<KeyValuePair<string, string>>? overrides = null, string source = "algorithm")
    {
        var copy = node?.DeepClone().AsObject() ?? new JsonObject();
        var type = copy["type"]?.GetValue<string>() ?? TypeName;
        if (type != TypeName) throw new PolicyConfigException($"{source}: algorithm type '{type}' is unknown; the only one is '{TypeName}'");
        copy.Remove("type");
        if (overrides is not null) ConfigJson.ApplyOverrides(copy, overrides);
        try
        {
            var config = copy.Deserialize<SacAlgorithmConfig>(ConfigJson.Options) ?? new SacAlgorithmConfig();
            var fromFlags = overrides?.Select(o => o.Key).ToHashSet() ?? [];
            config.Validate(p => fromFlags.Contains(p) ? "--algorithm." + p : $"{source}: algorithm.{p}");
            return config;
        }
        catch (JsonException e)
        {
            throw new PolicyConfigException($"{source}: invalid 'sac' algorithm config at {e.Path ?? "$"}: {e.Message}");
        }
    }
}
