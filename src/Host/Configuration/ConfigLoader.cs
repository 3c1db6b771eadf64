using Akka.Configuration;
using Akka.Configuration.Hocon;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Hosting;

namespace RobotActors.Host.Configuration;

/// <summary>The loaded configuration: the merged HOCON, the typed settings, and the files read.</summary>
public sealed record LoadedConfig(Config Config, RobotActorsSettings Settings, IReadOnlyList<string> Files)
{
    /// <summary>The file's own akka { } section, if any, for Akka tuning beyond what the settings generate.</summary>
    public Config? UserAkka => Config.HasPath("akka") ? Config.GetValue("akka").AtKey("akka") : null;
}

/// <summary>
/// Loads a node's configuration: the given file with its includes, on top of the shipped defaults
/// (robotactors.conf), with --set overrides on top of both. Rejects unknown robotactors keys and
/// values of the wrong type with one message naming the file (or the --set) and the key.
/// </summary>
public static class ConfigLoader
{
    private const string DefaultsResource = "robotactors.conf";

    public static readonly Lazy<Config> Defaults = new(() =>
    {
        using var stream = typeof(ConfigLoader).Assembly.GetManifestResourceStream(DefaultsResource)
            ?? throw new InvalidOperationException("robotactors.conf is not embedded in the host");
        return HoconFiles.ParseString(new StreamReader(stream).ReadToEnd(), "robotactors.conf (built-in defaults)");
    });

    public static LoadedConfig Load(string path, IReadOnlyList<string>? overrides = null)
    {
        var file = HoconFiles.Resolve(path);
        var files = new List<string>();
        var fromFiles = HoconFiles.Parse(file, files);

        var known = LeafKeys(Defaults.Value.Root, "").Where(k => k.StartsWith(RobotActorsSettings.Root + ".", StringComparison.Ordinal)).ToHashSet();
        var provenance = new Dictionary<string, string>();
        foreach (var f in files)
        {
            var own = LeafKeys(HoconFiles.ParseOwn(f).Root, "").ToList();
            RefuseGenerated(HoconFiles.Display(f), own);
            foreach (var key in own.Where(IsApplicationKey))
            {
                if (!known.Contains(key)) throw Unknown(HoconFiles.Display(f), key, known);
                provenance[key] = HoconFiles.Display(f);
            }
        }

        var config = fromFiles;
        foreach (var assignment in overrides ?? [])
        {
            var parsed = ParseOverride(assignment);
            RefuseGenerated($"--set {assignment}", LeafKeys(parsed.Root, ""));
            foreach (var leaf in LeafKeys(parsed.Root, "").Where(IsApplicationKey))
            {
                if (!known.Contains(leaf)) throw Unknown($"--set {assignment}", leaf, known);
                provenance[leaf] = $"--set {assignment}";
            }
            config = parsed.WithFallback(config);
        }
        config = config.WithFallback(Defaults.Value);

        try
        {
            return new LoadedConfig(config, RobotActorsSettings.FromConfig(config), files);
        }
        catch (SettingsException ex)
        {
            // A key inside a list entry (robotactors.robots[0].type) was set by whoever set the list.
            var source = provenance.GetValueOrDefault(ex.Key.Split('[')[0], HoconFiles.Display(file));
            throw new ConfigException($"{source}: {ex.Key}: {ex.Problem}. {ex.Fix}.", ex);
        }
    }

    /// <summary>An Akka setting the node derives from a RobotActors one would be overridden without a word; refuse it, naming the setting to use.</summary>
    private static void RefuseGenerated(string source, IEnumerable<string> keys)
    {
        foreach (var key in keys)
            if (NodeConfig.GeneratedFrom(key) is { } setting)
                throw new ConfigException($"{source}: {key} is set by RobotActors from {setting}, so it would be ignored. Set {setting} instead " +
                                          $"(e.g. --set {setting.Split(' ')[0]}=<value>, or in the robotactors {{ }} section of your file).");
    }

    private static bool IsApplicationKey(string key) =>
        key == RobotActorsSettings.Root || key.StartsWith(RobotActorsSettings.Root + ".", StringComparison.Ordinal);

    /// <summary>Parses "path=value"; a value that is not valid HOCON on its own is taken as a string.</summary>
    private static Config ParseOverride(string assignment)
    {
        var eq = assignment.IndexOf('=');
        if (eq <= 0)
            throw new ConfigException($"--set {assignment}: expected path=value, e.g. --set robotactors.node.port=4060.");
        var key = assignment[..eq].Trim();
        var value = assignment[(eq + 1)..].Trim();
        try
        {
            return HoconFiles.ParseString($"{key} = {value}", $"--set {assignment}");
        }
        catch (ConfigException)
        {
            var quoted = "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
            return HoconFiles.ParseString($"{key} = {quoted}", $"--set {assignment}");
        }
    }

    private static ConfigException Unknown(string source, string key, IReadOnlySet<string> known)
    {
        var suggestion = known.MinBy(k => Distance(k, key));
        var hint = suggestion is not null && Distance(suggestion, key) <= Math.Max(3, key.Length / 4) ? $" Did you mean {suggestion}?" : "";
        return new ConfigException($"{source}: unknown setting {key}.{hint} Every setting is listed, with its default, in hocon/robotactors.conf.");
    }

    /// <summary>Every leaf key under a HOCON value: objects are walked, lists and literals are leaves.</summary>
    public static IEnumerable<string> LeafKeys(HoconValue? value, string prefix) => HoconKeys.Leaves(value, prefix);

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
