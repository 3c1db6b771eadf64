using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Sac;
using RobotActors.Rl.Algorithms.Sac;

namespace RobotActors.Rl.Env.Config;

/// <summary>
/// A lerobot-train config file (TrainPipelineConfig), e.g. the reward classifier's, or a HIL-SERL train config
/// (TrainRLServerPipelineConfig): v0.5's policy.type "sac" with the env under "env", or the current layout with
/// policy.type "gaussian_actor", "algorithm" (the SAC algorithm's settings) and "mixer".
/// </summary>
public sealed record TrainConfigFile
{
    public required string Source { get; init; }
    public required PreTrainedConfig Policy { get; init; }
    public string? DatasetRoot { get; init; }
    public string? DatasetRepoId { get; init; }
    public string? OutputDir { get; init; }
    public string? JobName { get; init; }
    public bool Resume { get; init; }
    public int? Seed { get; init; }
    public int? BatchSize { get; init; }
    public long? Steps { get; init; }
    public long? LogFreq { get; init; }
    public long? SaveFreq { get; init; }
    /// <summary>save_checkpoint (LeRobot's default true); false: the learner never checkpoints, and a restart starts its training afresh.</summary>
    public bool SaveCheckpoint { get; init; } = true;
    /// <summary>A HIL-SERL train config's robot environment.</summary>
    public HilSerlRobotEnvConfig? Env { get; init; }
    /// <summary>The current layout's SAC algorithm settings ("algorithm", type "sac"), checked; null in v0.5's layout (they are policy fields there).</summary>
    public SacAlgorithmConfig? Algorithm { get; init; }
    public string? Mixer { get; init; }
    public double? OnlineRatio { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The whole file with the overrides applied: what a learner checkpoint keeps as train_config.json.</summary>
    public JsonObject Json { get; init; } = new();

    /// <summary>A HIL-SERL (actor + learner) config rather than an offline training one.</summary>
    public bool IsHilSerl => Env is not null || Algorithm is not null;

    /// <summary>
    /// What a HIL-SERL learner trains: the gaussian_actor policy and its SAC algorithm — as given in the current
    /// layout, or split from v0.5's sac policy (the same numbers, LeRobot's from_policy_config). Null for a policy
    /// type that is not SAC.
    /// </summary>
    public (GaussianActorConfig Policy, SacAlgorithmConfig Algorithm)? Sac => Policy switch
    {
        GaussianActorConfig g => (g, Algorithm ?? SacAlgorithmConfig.FromPolicyConfig(g)),
        SacConfig sac => (sac.ToGaussianActorConfig(), SacAlgorithmConfig.FromSacConfig(sac)),
        _ => null,
    };
}

public static class TrainConfigReader
{
    /// <summary>The config JSON conventions with a resolver, to list a config class's JSON keys.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Reflection =
        new(ConfigJson.Options) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };

    /// <summary>The keys of LeRobot's SACAlgorithmConfig ("algorithm" in the current layout): "type" and its fields.</summary>
    public static IReadOnlyList<string> AlgorithmKeys { get; } =
        ["type", .. Reflection.GetTypeInfo(typeof(SacAlgorithmConfig)).Properties.Select(p => p.Name)];

    public static TrainConfigFile Read(string path, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        var (root, source) = GymManipulatorConfigReader.Load(path, overrides);
        return Read(root, source, path);
    }

    /// <summary>A train config built in memory (e.g. a learner's defaults), read as strictly as a file.</summary>
    public static TrainConfigFile Read(JsonObject json, string source, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        var from = new ConfigSource(source);
        var copy = (JsonObject)json.DeepClone();
        if (overrides is not null) from.ApplyOverrides(copy, overrides);
        return Read(new ConfigSection(copy, "", from), from, source);
    }

    private static TrainConfigFile Read(ConfigSection root, ConfigSource source, string path)
    {
        var policySection = root.Section("policy") ?? throw root.Error("policy", "is required: the policy to train, with its \"type\" (e.g. reward_classifier, sac).");
        var policy = ReadPolicy(policySection);
        string? datasetRoot = null, repoId = null;
        if (root.Section("dataset") is { } d)
        {
            repoId = d.String("repo_id");
            datasetRoot = d.String("root");
            foreach (var key in new[] { "episodes", "revision", "video_backend", "image_transforms", "streaming", "repo_type", "eval_split" })
                d.Ignore(key, "every episode of dataset.root is used as stored.", n => n is not JsonValue v || !(v.TryGetValue<bool>(out var b) && !b) && !(v.TryGetValue<double>(out var x) && x == 0));
            d.Ignore("use_imagenet_stats", "the dataset's own image statistics normalize the cameras (no pretrained backbone here).", n => n is JsonValue v && v.TryGetValue<bool>(out var b) && b);
            d.Done();
        }
        HilSerlRobotEnvConfig? env = null;
        if (root.Section("env") is { } e) env = GymManipulatorConfigReader.ReadEnv(e);
        SacAlgorithmConfig? algorithm = null;
        if (root.Section("algorithm") is { } a)
        {
            if (policy is SacConfig)
                throw a.Error("type", "an \"algorithm\" section goes with policy.type \"gaussian_actor\" (LeRobot's current layout); v0.5's policy.type \"sac\" holds the SAC settings itself. Use one layout or the other.");
            algorithm = ReadAlgorithm(a, policySection);
        }
        if (policy is GaussianActorConfig && algorithm is null)
            throw root.Error("algorithm", "is required with policy.type \"gaussian_actor\": the SAC algorithm's settings ({\"type\": \"sac\", ...}).");
        string? mixer = null;
        if (root.Has("mixer"))
        {
            mixer = root.Json["mixer"] is JsonObject m ? new ConfigSection(m, "mixer", source).RequiredString("type", "\"online_offline\".") : root.String("mixer");
            if (mixer is not ("online_offline" or null)) throw root.Error("mixer", $"\"{mixer}\" is not a data mixer here; use \"online_offline\".");
        }
        var onlineRatio = root.OptionalDouble("online_ratio");
        if (onlineRatio is < 0 or > 1) throw root.Error("online_ratio", $"must be between 0 and 1, got {onlineRatio}.");
        var config = new TrainConfigFile
        {
            Source = path, Policy = policy, DatasetRoot = datasetRoot, DatasetRepoId = repoId,
            OutputDir = root.String("output_dir"), JobName = root.String("job_name"), Resume = root.Bool("resume", false),
            Seed = root.OptionalInt("seed"), BatchSize = root.OptionalInt("batch_size"),
            Steps = root.OptionalInt("steps"), LogFreq = root.OptionalInt("log_freq"), SaveFreq = root.OptionalInt("save_freq"),
            SaveCheckpoint = root.Bool("save_checkpoint", true),
            Env = env, Algorithm = algorithm, Mixer = mixer, OnlineRatio = onlineRatio, Warnings = source.Warnings, Json = root.Json,
        };
        root.Ignore("wandb", "there is no Weights & Biases here; progress goes to the terminal and the checkpoints to output_dir.",
            n => n is JsonObject w && w["enable"] is JsonValue v && v.TryGetValue<bool>(out var on) && on);
        foreach (var key in new[] { "num_workers", "prefetch_factor", "persistent_workers", "dataloader_multiprocessing_context", "cudnn_deterministic" })
            root.Ignore(key, "batches are read in-process.", n => key == "num_workers" && !(n is JsonValue v && v.TryGetValue<double>(out var x) && x == 0));
        foreach (var key in new[] { "eval_freq", "env_eval_freq", "eval", "eval_steps" })
            root.Ignore(key, "there is no evaluation during training; run `robotactors eval` on a checkpoint.", n => n is JsonObject || n is JsonValue v && v.TryGetValue<double>(out var x) && x > 0);
        foreach (var key in new[] { "optimizer", "scheduler" })
            root.Ignore(key, "the policy's optimizer preset is used (use_policy_training_preset).", n => n is JsonObject);
        root.Ignore("use_policy_training_preset", "the policy's preset is always used.", n => n is JsonValue v && v.TryGetValue<bool>(out var b) && !b);
        foreach (var key in new[] { "save_checkpoint_to_hub", "push_to_hub" })
            root.Ignore(key, "there is no Hub access here.", n => n is JsonValue v && v.TryGetValue<bool>(out var b) && b);
        foreach (var key in new[] { "ema", "peft", "parallelism", "accelerator", "rename_map", "tolerance_s", "checkpoint_path", "trust_remote_code" })
            root.Ignore(key, "not supported by this trainer.", n => n is JsonObject o ? o.Count > 0 : n is not JsonValue v || !v.TryGetValue<double>(out _));
        root.Done();
        return config;
    }

    /// <summary>
    /// The policy section: its type's config, strictly (a key the type lacks is an error naming policy.&lt;key&gt;);
    /// device and use_amp are honoured only on the CPU, and learner_host/port come from the cluster settings here.
    /// </summary>
    public static PreTrainedConfig ReadPolicy(ConfigSection p)
    {
        var type = p.RequiredString("type", $"one of {string.Join(", ", PolicyConfigRegistry.Names)}.");
        Type cls;
        try
        {
            cls = PolicyConfigRegistry.Get(type);
        }
        catch (PolicyConfigException)
        {
            throw p.Error("type", $"\"{type}\" is not a policy in this build (have {string.Join(", ", PolicyConfigRegistry.Names)}).");
        }
        var known = Reflection.GetTypeInfo(cls).Properties.Select(x => x.Name).ToHashSet();
        var json = (JsonObject)p.Json.DeepClone();
        json.Remove("type");
        GymManipulatorConfigReader.Device(p);
        json["device"] = "cpu";
        p.Ignore("use_amp", "mixed precision is a CUDA feature; training runs in float32 on the CPU.", n => n is JsonValue v && v.TryGetValue<bool>(out var b) && b);
        json["use_amp"] = false;
        p.Ignore("push_to_hub", "there is no Hub access here.", n => n is JsonValue v && v.TryGetValue<bool>(out var b) && b);
        p.Ignore("storage_device", "buffers live in host memory here.", n => n is JsonValue v && v.TryGetValue<string>(out var s) && s != "cpu");
        if (p.Section("actor_learner_config") is { } al)
        {
            al.Ignore("learner_host", "the learner is found through the cluster (robotactors.* HOCON settings), not a host and port.");
            al.Ignore("learner_port", "the learner is found through the cluster (robotactors.* HOCON settings), not a host and port.");
            al.Has("policy_parameters_push_frequency");
            al.Has("queue_get_timeout");
            al.Done();
        }
        foreach (var key in known) p.Has(key);
        p.Done();
        if (json["storage_device"] is not null) json["storage_device"] = "cpu";
        try
        {
            var config = PreTrainedConfig.FromJson(new JsonObject { ["type"] = type }.Merge(json).ToJsonString(), source: $"{p.Source.File}: {p.Path}");
            config.Device = "cpu";
            return config;
        }
        catch (PolicyConfigException e)
        {
            throw new LeRobotConfigException(e.Message);
        }
    }

    /// <summary>
    /// The "algorithm" section, strictly, into LeRobot's SACAlgorithmConfig: a misspelled key is refused with the closest
    /// one, a policy setting put here is named with where it belongs, and every field's range is checked.
    /// </summary>
    private static SacAlgorithmConfig ReadAlgorithm(ConfigSection a, ConfigSection policy)
    {
        var type = a.String("type", SacAlgorithmConfig.TypeName);
        if (type != SacAlgorithmConfig.TypeName) throw a.Error("type", $"\"{type}\" is not an RL algorithm here; use \"{SacAlgorithmConfig.TypeName}\".");
        var policyKeys = Reflection.GetTypeInfo(typeof(GaussianActorConfig)).Properties.Select(p => p.Name).ToHashSet();
        foreach (var (key, _) in a.Json)
            if (!AlgorithmKeys.Contains(key) && policyKeys.Contains(key))
                throw a.Error(key, $"is a policy setting in LeRobot's gaussian_actor / SAC split, not an algorithm one; move it to {policy.At(key)}.");
        foreach (var key in AlgorithmKeys) a.Has(key);
        a.Done();
        try
        {
            return SacAlgorithmConfig.FromJson(a.Json, source: a.Source.File);
        }
        catch (PolicyConfigException e)
        {
            throw new LeRobotConfigException(e.Message);
        }
    }

    private static JsonObject Merge(this JsonObject target, JsonObject extra)
    {
        foreach (var (k, v) in extra) target[k] = v?.DeepClone();
        return target;
    }

}
