using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RobotActors.Policies.Optim;

namespace RobotActors.Policies.Configs;

/// <summary>
/// The base of every policy config (LeRobot's PreTrainedConfig). Properties map to LeRobot's snake_case
/// field names; config.json carries the registered name under "type".
/// </summary>
public abstract class PreTrainedConfig
{
    public const string ConfigFileName = "config.json";

    [ConfigRange(">= 1")] public int NObsSteps { get; set; } = 1;
    public Dictionary<string, PolicyFeature> InputFeatures { get; set; } = new();
    public Dictionary<string, PolicyFeature> OutputFeatures { get; set; } = new();
    public string? Device { get; set; } = "cpu";
    public bool UseAmp { get; set; }
    public bool UsePeft { get; set; }
    public bool PushToHub { get; set; }
    public string? RepoId { get; set; }
    public bool? Private { get; set; }
    public List<string>? Tags { get; set; }
    public string? License { get; set; }
    public string? PretrainedPath { get; set; }
    public string? PretrainedRevision { get; set; }

    /// <summary>Keyed by feature type name ("VISUAL", "STATE", "ENV", "ACTION").</summary>
    public Dictionary<string, NormalizationMode> NormalizationMapping { get; set; } = new()
    {
        ["VISUAL"] = NormalizationMode.MeanStd,
        ["STATE"] = NormalizationMode.MeanStd,
        ["ENV"] = NormalizationMode.MeanStd,
        ["ACTION"] = NormalizationMode.MeanStd,
    };

    [JsonIgnore] public string Type => PolicyConfigRegistry.NameOf(GetType());
    [JsonIgnore] public virtual IReadOnlyList<int>? ObservationDeltaIndices => null;
    [JsonIgnore] public virtual IReadOnlyList<int>? ActionDeltaIndices => null;
    [JsonIgnore] public virtual IReadOnlyList<int>? RewardDeltaIndices => null;

    public abstract OptimizerConfig GetOptimizerPreset();
    public virtual SchedulerConfig? GetSchedulerPreset() => null;

    /// <summary>Checks the features against what the policy needs; each policy calls it from its constructor.</summary>
    public abstract void ValidateFeatures();

    /// <summary>
    /// The policy's ACTION output for a dataset's action column. The same by default; policies whose
    /// dataset action holds more than they predict (gaussian_actor and sac: the gripper index after the
    /// continuous dimensions) narrow it.
    /// </summary>
    public virtual PolicyFeature PolicyActionFeature(PolicyFeature datasetAction) => datasetAction;

    /// <summary>How many values select_action returns per row (what the robot executes): the action feature's size by default.</summary>
    [JsonIgnore]
    public virtual int? SelectedActionDim => ActionFeature?.Shape[0];

    /// <summary>Settings that are valid but will probably not do what the user wants; trainers print them.</summary>
    public virtual IEnumerable<string> Warnings() => [];

    [JsonIgnore]
    public KeyValuePair<string, PolicyFeature>? RobotStateFeature =>
        InputFeatures.Where(kv => kv.Value.Type == FeatureType.State && kv.Key == PolicyKeys.ObservationState)
            .Select(kv => (KeyValuePair<string, PolicyFeature>?)kv).FirstOrDefault();

    [JsonIgnore]
    public KeyValuePair<string, PolicyFeature>? EnvStateFeature =>
        InputFeatures.Where(kv => kv.Value.Type == FeatureType.Env)
            .Select(kv => (KeyValuePair<string, PolicyFeature>?)kv).FirstOrDefault();

    [JsonIgnore]
    public IReadOnlyList<KeyValuePair<string, PolicyFeature>> ImageFeatures =>
        InputFeatures.Where(kv => kv.Value.Type == FeatureType.Visual).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();

    [JsonIgnore]
    public PolicyFeature? ActionFeature =>
        OutputFeatures.TryGetValue(PolicyKeys.Action, out var f) && f.Type == FeatureType.Action ? f : null;

    public NormalizationMode ModeFor(FeatureType type) =>
        NormalizationMapping.TryGetValue(type.ToLeRobot(), out var mode) ? mode : NormalizationMode.Identity;

    /// <summary>Checks that the shapes match the feature types; policies add their own requirements.</summary>
    protected void ValidateCommonFeatures()
    {
        foreach (var (key, feature) in InputFeatures.Concat(OutputFeatures))
        {
            if (feature.Shape.Length == 0 || feature.Shape.Any(d => d <= 0))
                throw new PolicyConfigException($"{Type}: feature '{key}' has shape [{string.Join(", ", feature.Shape)}]; every dimension must be positive");
            if (feature.Type == FeatureType.Visual && feature.Shape.Length != 3)
                throw new PolicyConfigException($"{Type}: image feature '{key}' has shape [{string.Join(", ", feature.Shape)}]; images must be channel-first [C, H, W]");
        }
        foreach (var (key, feature) in InputFeatures)
            if (feature.Type == FeatureType.Action)
                throw new PolicyConfigException($"{Type}: '{key}' is an ACTION feature in input_features; actions belong in output_features");
    }

    protected PolicyFeature RequireAction()
    {
        var action = ActionFeature
            ?? throw new PolicyConfigException($"{Type}: output_features needs an ACTION feature named 'action' (found: {string.Join(", ", OutputFeatures.Keys.DefaultIfEmpty("none"))})");
        if (action.Shape.Length != 1)
            throw new PolicyConfigException($"{Type}: 'action' must be a vector, got shape [{string.Join(", ", action.Shape)}]");
        return action;
    }

    public string ToJson()
    {
        var body = JsonSerializer.SerializeToNode(this, GetType(), ConfigJson.Options)!.AsObject();
        var result = new JsonObject { ["type"] = Type };
        foreach (var (k, v) in body.ToList())
        {
            body.Remove(k);
            result[k] = v;
        }
        return result.ToJsonString(ConfigJson.Options);
    }

    /// <summary>Reads a config.json: the "type" tag picks the class; overrides are dotted paths.</summary>
    public static PreTrainedConfig FromJson(string json, IEnumerable<KeyValuePair<string, string>>? overrides = null, string source = "config")
    {
        JsonObject node;
        try
        {
            node = JsonNode.Parse(ConfigJson.QuoteNamedFloats(json)) as JsonObject ?? throw new PolicyConfigException($"{source}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new PolicyConfigException($"{source}: not valid JSON ({e.Message})");
        }
        var type = node["type"]?.GetValue<string>()
            ?? throw new PolicyConfigException($"{source}: missing 'type'; set it to one of: {string.Join(", ", PolicyConfigRegistry.Names)}");
        node.Remove("type");
        return FromNode(type, node, overrides, source);
    }

    public static PreTrainedConfig Create(string type, IEnumerable<KeyValuePair<string, string>>? overrides = null) =>
        FromNode(type, new JsonObject(), overrides, $"--policy.type={type}");

    private static PreTrainedConfig FromNode(string type, JsonObject node, IEnumerable<KeyValuePair<string, string>>? overrides, string source)
    {
        var cls = PolicyConfigRegistry.Get(type);
        var overridden = overrides?.Select(o => o.Key).ToList() ?? [];
        if (overrides is not null) ConfigJson.ApplyOverrides(node, overrides);
        // A field the user set on the command line is named as they typed it; any other by the file it came from.
        string Describe(string path) =>
            overridden.FirstOrDefault(k => path == k || path.StartsWith(k + ".", StringComparison.Ordinal) || path.StartsWith(k + "[", StringComparison.Ordinal)) is not null
                ? "--policy." + path
                : $"{source}: {path}";
        PreTrainedConfig config;
        try
        {
            config = (PreTrainedConfig)(node.Deserialize(cls, ConfigJson.Options)
                ?? throw new PolicyConfigException($"{source}: config is null"));
        }
        catch (JsonException e)
        {
            var path = ConfigJson.FieldPath(e.Path);
            if (path.Length == 0)
                throw new PolicyConfigException($"{source}: invalid '{type}' config: {ConfigJson.Explain(e)}");
            throw new PolicyConfigException($"{Describe(path)}: {ConfigJson.Explain(e, ConfigJson.Find(node, path))}");
        }
        ConfigRanges.Check(config, Describe);
        return config;
    }

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ConfigFileName), ToJson());
    }

    public static PreTrainedConfig Load(string directory, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        var path = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(path))
            throw new PolicyConfigException($"{path} not found; a pretrained policy folder holds config.json and model.safetensors");
        return FromJson(File.ReadAllText(path), overrides, path);
    }

    /// <summary>
    /// The config of a pretrained folder, with overrides, marked with its pretrained_path so the trainer
    /// starts from its weights (LeRobot's --policy.path; unlike LeRobot's from_pretrained, the path is kept).
    /// </summary>
    public static PreTrainedConfig LoadForFineTuning(string directory, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        var config = Load(directory, overrides);
        config.PretrainedPath = Path.GetFullPath(directory);
        return config;
    }

    public PreTrainedConfig Clone() => FromJson(ToJson());
}
