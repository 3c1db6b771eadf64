using System.Reflection;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;

namespace RobotActors.Policies;

/// <summary>
/// Makes policies and their processors from configs by naming convention, as LeRobot does: a config
/// class "FooConfig" pairs with a policy class "FooPolicy" in the same namespace (constructor
/// (FooConfig, DatasetStats?)) and an optional static "FooProcessors.Make(FooConfig, DatasetStats?)";
/// without one the default pipelines are used.
/// </summary>
public static class PolicyFactory
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Type> Implementations = new();

    /// <summary>
    /// Names the policy class of a config whose implementation lives in another assembly: the v0.5 "sac"
    /// policy needs the SAC algorithm, which is in RobotActors.Rl (RlPolicies.Register() does this).
    /// </summary>
    public static void RegisterPolicyClass(Type configType, Type policyType)
    {
        if (!typeof(PreTrainedPolicy).IsAssignableFrom(policyType))
            throw new PolicyConfigException($"{policyType.FullName} cannot implement '{PolicyConfigRegistry.NameOf(configType)}': it does not derive from PreTrainedPolicy");
        Implementations[configType] = policyType;
    }

    public static Type PolicyClassFor(Type configType)
    {
        if (Implementations.TryGetValue(configType, out var registered)) return registered;
        var prefix = configType.Name.EndsWith("Config", StringComparison.Ordinal)
            ? configType.Name[..^"Config".Length]
            : throw new PolicyConfigException($"config class {configType.FullName} must be named <Name>Config so its policy class <Name>Policy can be found");
        var name = $"{configType.Namespace}.{prefix}Policy";
        var type = configType.Assembly.GetType(name);
        if (type is null || !typeof(PreTrainedPolicy).IsAssignableFrom(type))
            throw new PolicyConfigException($"Policy class for '{PolicyConfigRegistry.NameOf(configType)}' is not implemented: expected {name} deriving from PreTrainedPolicy in {configType.Assembly.GetName().Name}" +
                                            (configType == typeof(Sac.SacConfig) ? " (the sac policy lives in RobotActors.Rl with the SAC algorithm: call RobotActors.Rl.RlPolicies.Register() at start-up)" : ""));
        return type;
    }

    public static PreTrainedPolicy MakePolicy(PreTrainedConfig config, DatasetStats? stats = null)
    {
        if (Torch.TorchDevices.Unavailable(config.Device) is { } why)
            throw new PolicyConfigException($"{config.Type}: {why}");
        var type = PolicyClassFor(config.GetType());
        var ctor = type.GetConstructor([config.GetType(), typeof(DatasetStats)])
            ?? throw new PolicyConfigException($"{type.FullName} needs a public constructor ({config.GetType().Name} config, DatasetStats? datasetStats)");
        try
        {
            return (PreTrainedPolicy)ctor.Invoke([config, stats]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    public static (ProcessorPipeline Pre, ProcessorPipeline Post) MakeProcessors(PreTrainedConfig config, DatasetStats? stats)
    {
        var prefix = config.GetType().Name[..^"Config".Length];
        var factory = config.GetType().Assembly.GetType($"{config.GetType().Namespace}.{prefix}Processors")
            ?.GetMethod("Make", BindingFlags.Public | BindingFlags.Static, [config.GetType(), typeof(DatasetStats)]);
        if (factory is null) return DefaultProcessors.Make(config, stats);
        return ((ProcessorPipeline, ProcessorPipeline))factory.Invoke(null, [config, stats])!;
    }

    /// <summary>
    /// LeRobot's make_policy with dataset metadata: ACTION features become outputs, the other features
    /// inputs (when the config has none), then the policy and its processors are made with the stats.
    /// </summary>
    public static (PreTrainedPolicy Policy, ProcessorPipeline Pre, ProcessorPipeline Post) Make(
        PreTrainedConfig config, IReadOnlyDictionary<string, PolicyFeature> datasetFeatures, DatasetStats? stats)
    {
        config.OutputFeatures = datasetFeatures.Where(kv => kv.Value.Type == FeatureType.Action)
            .ToDictionary(kv => kv.Key, kv => config.PolicyActionFeature(kv.Value));
        if (config.InputFeatures.Count == 0)
            config.InputFeatures = datasetFeatures.Where(kv => kv.Value.Type is not FeatureType.Action and not FeatureType.Reward).ToDictionary();
        var missing = config.InputFeatures.Keys.Where(k => !datasetFeatures.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new PolicyConfigException($"Feature mismatch between dataset and policy config: the policy expects {string.Join(", ", missing)} but the dataset has {string.Join(", ", datasetFeatures.Keys)}; rename the dataset keys or fix input_features");
        // A pretrained config keeps its input features; a dataset with other shapes would otherwise surface
        // later as a confusing tensor-shape error while loading the weights.
        var reshaped = config.InputFeatures.Where(kv => !kv.Value.Shape.SequenceEqual(datasetFeatures[kv.Key].Shape))
            .Select(kv => $"{kv.Key} is [{string.Join(", ", kv.Value.Shape)}] in the policy but [{string.Join(", ", datasetFeatures[kv.Key].Shape)}] in the dataset")
            .ToList();
        if (reshaped.Count > 0)
            throw new PolicyConfigException($"Feature mismatch between dataset and policy config: {string.Join("; ", reshaped)}; train on a dataset recorded with the same robot and cameras, or start a new policy with --policy.type");
        var policy = MakePolicy(config, stats);
        // A fine-tuned policy's backbone comes with the rest of its weights from the pretrained folder.
        if (config.PretrainedPath is null) policy.LoadPretrainedBackbones();
        var (pre, post) = MakeProcessors(config, stats);
        return (policy, pre, post);
    }

    /// <summary>
    /// Loads a pretrained folder: config.json, model.safetensors and the processor files when present. A device
    /// this build lacks (a checkpoint trained on CUDA) becomes the CPU, in the config and in the processors.
    /// </summary>
    public static (PreTrainedPolicy Policy, ProcessorPipeline? Pre, ProcessorPipeline? Post) LoadPretrained(string directory, Action<string>? warn = null)
    {
        var config = PreTrainedConfig.Load(directory);
        var device = Torch.TorchDevices.Usable(config.Device, out var warning);
        Dictionary<string, System.Text.Json.Nodes.JsonObject>? overrides = null;
        if (warning is not null)
        {
            warn?.Invoke(warning);
            config.Device = device;
            overrides = new() { ["device_processor"] = new() { ["device"] = device } };
        }
        var policy = MakePolicy(config);
        var weights = policy.LoadWeights(directory);
        policy.eval();
        ProcessorPipeline? Load(string name) =>
            File.Exists(Path.Combine(directory, name + ".json")) ? ProcessorPipeline.Load(directory, name + ".json", overrides) : null;
        var (pre, post) = (Load(ProcessorPipeline.PreprocessorName), Load(ProcessorPipeline.PostprocessorName));
        if (pre is null && post is null && LegacyNormalizationBuffers.Present(weights))
        {
            // A LeRobot model from before processor pipelines: its statistics are in model.safetensors.
            warn?.Invoke($"{directory} predates LeRobot's processor files; its pre/post-processors were rebuilt from the normalization buffers in {PreTrainedPolicy.ModelFileName} " +
                         "(save it again to write them, as LeRobot's migrate_policy_normalization.py does)");
            (pre, post) = MakeProcessors(config, LegacyNormalizationBuffers.Read(config, weights));
        }
        return (policy, pre, post);
    }
}
