using System.CommandLine;
using RobotActors.Host.Configuration;
using RobotActors.Policies.Plugins;

namespace RobotActors.Host.Commands;

/// <summary>The --plugins option shared by the policy commands, and plugin discovery with its warnings printed.</summary>
public static class PluginOption
{
    public static Option<string?> Create() => new("--plugins")
    {
        Description = $"Folder searched for policy plugins ({PolicyPlugins.AssemblyPrefix}<Name>.dll); default ${PolicyPlugins.FolderEnvironmentVariable}, else robotactors.plugins.folder ({SettingsFolder})",
    };

    /// <summary>The plugins folder of the built-in settings (hocon/robotactors.conf), the last default.</summary>
    private static string SettingsFolder => ConfigLoader.Defaults.Value.GetString("robotactors.plugins.folder");

    public static PolicyPlugins.LoadReport Discover(string? folder, TextWriter warnings)
    {
        var report = PolicyPlugins.Discover(folder ?? Environment.GetEnvironmentVariable(PolicyPlugins.FolderEnvironmentVariable) ?? SettingsFolder);
        foreach (var warning in report.Warnings) warnings.WriteLine($"warning: {warning}");
        return report;
    }
}
