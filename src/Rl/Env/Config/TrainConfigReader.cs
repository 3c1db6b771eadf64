using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Sac;

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
    /// <summary>A HIL-SERL train config's robot environment.</summary>
    public HilSerlRobotEnvConfig? Env { get; init; }
    /// <summary>The current layout's SAC algorithm settings (type "sac"), as given.</summary>
    public JsonObject? Algorithm { get; init; }
    public string? Mixer { get; init; }
    public double? OnlineRatio { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>A HIL-SERL (actor + learner) config rather than an offline training one.</summary>
    public bool IsHilSerl => Env is not null || Algorithm is not null;
}

public static class TrainConfigReader
{
    /// <summary>The config JSON conventions with a resolver, to list a config class's JSON keys.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Reflection =
        new(ConfigJson.Options) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };

    /// <summary>The SAC settings that LeRobot's RL split moved from the policy into "algorithm" (SACAlgorithmConfig).</summary>
    public static readonly string[] AlgorithmKeys =
    [
        "type", "discount", "temperature_init", "temperature_lr", "num_critics", "num_subsample_critics", "critic_lr", "actor_lr",
        "critic_target_update_weight", "utd_ratio", "target_entropy", "use_backup_entropy", "grad_clip_norm", "critic_network_kwargs",
        "discrete_critic_network_kwargs", "policy_update_freq", "online_step_before_learning",
    ];

    public static TrainConfigFile Read(string path, IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        var (root, source) = GymManipulatorConfigReader.Load(path, overrides);
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
        JsonObject? algorithm = null;
        if (root.Section("algorithm") is { } a)
        {
            var type = a.String("type", "sac");
            if (type != "sac") throw a.Error("type", $"\"{type}\" is not an RL algorithm here; use \"sac\".");
            foreach (var key in AlgorithmKeys) a.Has(key);
            a.Done();
            algorithm = (JsonObject)a.Json.DeepClone();
        }
        if (policy.Type == "gaussian_actor" && algorithm is null)
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
            Env = env, Algorithm = algorithm, Mixer = mixer, OnlineRatio = onlineRatio, Warnings = source.Warnings,
        };
        root.Bool("save_checkpoint", true);
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
            throw p.Error("type", $"\"{type}\" is not a policy in this build (have {string.Join(", ", PolicyConfigRegistry.Names)})" +
                (type == "gaussian_actor" ? "; LeRobot's gaussian_actor + SAC algorithm split is not in this build yet, use v0.5's policy.type \"sac\"." : "."));
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

    private static JsonObject Merge(this JsonObject target, JsonObject extra)
    {
        foreach (var (k, v) in extra) target[k] = v?.DeepClone();
        return target;
    }

}
