using System.Reflection;

namespace RobotActors.Policies.Configs;

/// <summary>
/// Config classes by the name users pass as --policy.type. Built-in policies register when the class
/// loads; plugins register through <see cref="RegisterAssembly"/>.
/// </summary>
public static class PolicyConfigRegistry
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, Type> ByName = new(StringComparer.Ordinal);

    static PolicyConfigRegistry() => RegisterAssembly(typeof(PolicyConfigRegistry).Assembly);

    public static IReadOnlyList<string> Names
    {
        get { lock (Gate) return ByName.Keys.Order(StringComparer.Ordinal).ToList(); }
    }

    public static void Register(string name, Type configType)
    {
        if (!typeof(PreTrainedConfig).IsAssignableFrom(configType) || configType.IsAbstract)
            throw new PolicyConfigException($"{configType.FullName} cannot be registered as '{name}': it must be a concrete PreTrainedConfig");
        lock (Gate)
        {
            if (ByName.TryGetValue(name, out var existing) && existing != configType)
            {
                var owner = existing.Assembly == typeof(PolicyConfigRegistry).Assembly ? "the built-in" : $"{existing.Assembly.GetName().Name}'s";
                throw new PolicyConfigException($"policy type '{name}' is already {owner} {existing.FullName}; {configType.FullName} " +
                                                $"({configType.Assembly.GetName().Name}) is not registered: give it another name in [PolicyType(\"...\")]");
            }
            ByName[name] = configType;
        }
    }

    /// <summary>Registers every [PolicyType] config of an assembly and returns the names found.</summary>
    public static IReadOnlyList<string> RegisterAssembly(Assembly assembly)
    {
        var found = new List<(string, Type)>();
        foreach (var type in assembly.GetTypes())
            if (type.GetCustomAttribute<PolicyTypeAttribute>() is { } attr)
                found.Add((attr.Name, type));
        foreach (var (name, type) in found) Register(name, type);
        return found.Select(f => f.Item1).ToList();
    }

    public static Type Get(string name)
    {
        lock (Gate)
        {
            if (ByName.TryGetValue(name, out var type)) return type;
        }
        throw new PolicyConfigException($"unknown policy type '{name}'; known types: {string.Join(", ", Names)} (plugins go in the plugins folder as RobotActors.Policy.<Name>.dll)");
    }

    // Built-in policies whose config class does not carry a description (yet).
    private static readonly Dictionary<string, string> BuiltInDescriptions = new(StringComparer.Ordinal)
    {
        ["sac"] = "Soft Actor-Critic as HIL-SERL runs it: learns online on the robot from rewards and human interventions",
        ["gaussian_actor"] = "HIL-SERL's tanh-Gaussian actor (the robot-side half of SAC) with its observation encoder and gripper critic",
        ["reward_classifier"] = "Image classifier that predicts success from camera frames, the reward for HIL-SERL",
    };

    /// <summary>The one-line description of a policy type: its [PolicyType] Description, else a built-in one, else empty.</summary>
    public static string Describe(string name)
    {
        var type = Get(name);
        return type.GetCustomAttribute<PolicyTypeAttribute>()?.Description ?? BuiltInDescriptions.GetValueOrDefault(name) ?? "";
    }

    public static string NameOf(Type configType)
    {
        lock (Gate)
        {
            foreach (var (name, type) in ByName)
                if (type == configType) return name;
        }
        return configType.GetCustomAttribute<PolicyTypeAttribute>()?.Name
            ?? throw new PolicyConfigException($"{configType.FullName} has no [PolicyType] name");
    }
}
