using System.CommandLine;
using RobotActors.Policies.Plugins;

namespace RobotActors.Host.Commands;

/// <summary>The --plugins option shared by the policy commands, and plugin discovery with its warnings printed.</summary>
public static class PluginOption
{
    public static Option<string?> Create() => new("--plugins")
    {
        Description = $"Folder searched for policy plugins ({PolicyPlugins.AssemblyPrefix}<Name>.dll); default ${PolicyPlugins.FolderEnvironmentVariable} or {PolicyPlugins.DefaultFolder}",
    };

    public static PolicyPlugins.LoadReport Discover(string? folder, TextWriter warnings)
    {
        var report = PolicyPlugins.Discover(PolicyPlugins.ResolveFolder(folder));
        foreach (var warning in report.Warnings) warnings.WriteLine($"warning: {warning}");
        return report;
    }
}
