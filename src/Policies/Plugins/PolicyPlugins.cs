using System.Reflection;
using System.Runtime.Loader;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;

namespace RobotActors.Policies.Plugins;

/// <summary>
/// "Bring your own policy": assemblies named RobotActors.Policy.&lt;Name&gt; (dropped in the plugins folder
/// or referenced by the host) register their [PolicyType] configs and [ProcessorStepName] steps; the policy
/// class and processor factory are then found by naming convention. A plugin that cannot load is skipped
/// with a warning naming the file and the cause, never a crash.
/// </summary>
public static class PolicyPlugins
{
    public const string AssemblyPrefix = "RobotActors.Policy.";
    public const string DefaultFolder = "./plugins";
    public const string FolderEnvironmentVariable = "ROBOTACTORS_PLUGINS";

    private static readonly object Gate = new();
    private static readonly HashSet<string> Registered = new(StringComparer.Ordinal);
    private static readonly HashSet<string> ProbeFolders = new(StringComparer.Ordinal);
    private static bool _resolverInstalled;

    public sealed record Loaded(string AssemblyName, string Location, IReadOnlyList<string> PolicyTypes);

    public sealed record LoadReport(IReadOnlyList<Loaded> Plugins, IReadOnlyList<string> Warnings);

    /// <summary>The folder from the option when given, else $ROBOTACTORS_PLUGINS, else ./plugins.</summary>
    public static string ResolveFolder(string? option) =>
        option ?? Environment.GetEnvironmentVariable(FolderEnvironmentVariable) ?? DefaultFolder;

    /// <summary>Registers plugins the host references, then every RobotActors.Policy.*.dll in the folder.</summary>
    public static LoadReport Discover(string folder)
    {
        var loaded = new List<Loaded>();
        var warnings = new List<string>();
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            if (assembly.GetName().Name?.StartsWith(AssemblyPrefix, StringComparison.Ordinal) == true)
                Register(assembly, assembly.Location, loaded, warnings);
        // A plugin the host references is copied beside it but only loaded on first use.
        LoadFolder(AppContext.BaseDirectory, loaded, warnings);
        if (Directory.Exists(folder)) LoadFolder(folder, loaded, warnings);
        return new LoadReport(loaded, warnings);
    }

    private static void LoadFolder(string folder, List<Loaded> loaded, List<string> warnings)
    {
        var files = Directory.GetFiles(folder, AssemblyPrefix + "*.dll").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) return;
        InstallResolver(Path.GetFullPath(folder));
        foreach (var file in files)
        {
            var full = Path.GetFullPath(file);
            Assembly assembly;
            try
            {
                var name = AssemblyName.GetAssemblyName(full);
                assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name.Name)
                    ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
            {
                warnings.Add($"plugin {full} skipped: not a loadable .NET assembly ({e.GetType().Name}: {e.Message})");
                continue;
            }
            Register(assembly, full, loaded, warnings);
        }
    }

    private static void Register(Assembly assembly, string location, List<Loaded> loaded, List<string> warnings)
    {
        var name = assembly.GetName().Name!;
        lock (Gate)
            if (!Registered.Add(name)) return;
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            var cause = e.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? e.Message;
            warnings.Add($"plugin {name} ({location}) skipped: its types do not load ({cause}); rebuild it against this version of RobotActors.Policies");
            return;
        }
        var policyTypes = new List<string>();
        foreach (var type in types)
        {
            if (type.GetCustomAttribute<PolicyTypeAttribute>() is not { } attr) continue;
            try
            {
                PolicyFactory.PolicyClassFor(type);
                PolicyConfigRegistry.Register(attr.Name, type);
                policyTypes.Add(attr.Name);
            }
            catch (PolicyConfigException e)
            {
                warnings.Add($"plugin {name}: policy type '{attr.Name}' skipped: {e.Message}");
            }
        }
        try
        {
            ProcessorStepRegistry.RegisterAssembly(assembly);
        }
        catch (InvalidOperationException e)
        {
            warnings.Add($"plugin {name}: processor steps skipped: {e.Message}");
        }
        loaded.Add(new Loaded(name, location, policyTypes));
    }

    // A plugin's own dependencies are looked for beside it.
    private static void InstallResolver(string folder)
    {
        lock (Gate)
        {
            ProbeFolders.Add(folder);
            if (_resolverInstalled) return;
            _resolverInstalled = true;
        }
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            string[] folders;
            lock (Gate) folders = ProbeFolders.ToArray();
            foreach (var f in folders)
            {
                var candidate = Path.Combine(f, name.Name + ".dll");
                if (File.Exists(candidate)) return context.LoadFromAssemblyPath(candidate);
            }
            return null;
        };
    }

    /// <summary>Every registered policy type with where it comes from ("built-in" or the plugin assembly) and its one-line description.</summary>
    public static IReadOnlyList<(string Type, string Source, string Description)> Available() =>
        PolicyConfigRegistry.Names
            .Select(n => (n, PolicyConfigRegistry.Get(n).Assembly is var a && a == typeof(PolicyPlugins).Assembly
                ? "built-in" : $"plugin {a.GetName().Name} ({a.Location})", PolicyConfigRegistry.Describe(n)))
            .ToList();

    /// <summary>Registers the policy types and processor steps of an assembly as a plugin; what could not be registered comes back as warnings.</summary>
    public static LoadReport RegisterPlugin(Assembly assembly)
    {
        var loaded = new List<Loaded>();
        var warnings = new List<string>();
        Register(assembly, assembly.Location, loaded, warnings);
        return new LoadReport(loaded, warnings);
    }
}
