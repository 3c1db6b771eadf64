using System.CommandLine;
using RobotActors.Policies.Plugins;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors policies list`: every policy type, built-in and from plugins.</summary>
public static class PoliciesCommand
{
    public static Command Create()
    {
        var policies = new Command("policies", "Policy types: built-in and plugins.");
        var list = new Command("list", "List every available policy type and where it comes from.");
        var plugins = PluginOption.Create();
        list.Add(plugins);
        list.SetAction(parseResult =>
        {
            PluginOption.Discover(parseResult.GetValue(plugins), Console.Error);
            foreach (var (type, source, description) in PolicyPlugins.Available())
                Console.WriteLine(description.Length == 0 ? $"{type,-20} {source}" : $"{type,-20} {source,-9} {description}");
            return 0;
        });
        policies.Add(list);
        return policies;
    }
}
