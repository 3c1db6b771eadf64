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
                throw new PolicyConfigException($"policy type '{name}' is already registered by {existing.FullName}; {configType.FullName} must use another name");
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
