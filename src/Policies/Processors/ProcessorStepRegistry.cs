using System.Reflection;
using System.Text.Json.Nodes;

namespace RobotActors.Policies.Processors;

/// <summary>Processor step classes by registry name; built-ins register on first use, plugins by assembly.</summary>
public static class ProcessorStepRegistry
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, Func<JsonObject, IProcessorStep>> Factories = new(StringComparer.Ordinal);
    private static readonly Dictionary<Type, string> NamesByType = new();

    static ProcessorStepRegistry() => RegisterAssembly(typeof(ProcessorStepRegistry).Assembly);

    public static IReadOnlyList<string> Names
    {
        get { lock (Gate) return Factories.Keys.Order(StringComparer.Ordinal).ToList(); }
    }

    public static void RegisterAssembly(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            if (type.GetCustomAttribute<ProcessorStepNameAttribute>() is not { } attr) continue;
            var fromConfig = type.GetMethod("FromConfig", BindingFlags.Public | BindingFlags.Static, [typeof(JsonObject)])
                ?? throw new InvalidOperationException($"processor step {type.FullName} ('{attr.Name}') needs a public static FromConfig(JsonObject)");
            Register(attr.Name, type, cfg => (IProcessorStep)fromConfig.Invoke(null, [cfg])!);
        }
    }

    public static void Register(string name, Type type, Func<JsonObject, IProcessorStep> factory)
    {
        lock (Gate)
        {
            if (NamesByType.TryGetValue(type, out var existing) && existing == name) return;
            if (Factories.ContainsKey(name))
                throw new InvalidOperationException($"processor step name '{name}' is already registered; pick another name for {type.FullName}");
            Factories[name] = factory;
            NamesByType[type] = name;
        }
    }

    public static string NameOf(IProcessorStep step)
    {
        lock (Gate)
        {
            return NamesByType.TryGetValue(step.GetType(), out var name)
                ? name
                : throw new InvalidOperationException($"processor step {step.GetType().FullName} is not registered; add [ProcessorStepName] and register its assembly");
        }
    }

    public static IProcessorStep Create(string name, JsonObject config)
    {
        Func<JsonObject, IProcessorStep>? factory;
        lock (Gate) Factories.TryGetValue(name, out factory);
        if (factory is null)
            throw new KeyNotFoundException($"unknown processor step '{name}'; registered steps: {string.Join(", ", Names)}");
        try
        {
            return factory(config);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException($"processor step '{name}' rejected its config {config.ToJsonString()}: {e.InnerException.Message}", e.InnerException);
        }
    }
}
