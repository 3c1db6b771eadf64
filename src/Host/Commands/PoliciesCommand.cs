using System.CommandLine;
using RobotActors.Policies.Plugins;
using RobotActors.Rl.Algorithms;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors policies list|upgrade`: every policy type, built-in and from plugins; converting 0.1 checkpoints.</summary>
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

        var upgrade = new Command("upgrade", "Rewrite a sac or reward_classifier folder saved by RobotActors 0.1 in LeRobot's checkpoint layout (in place).");
        var folder = new Argument<string>("folder") { Description = "A pretrained_model folder (config.json, model.safetensors)" };
        upgrade.Add(folder);
        upgrade.SetAction(parseResult =>
        {
            try
            {
                Console.WriteLine(LegacyCheckpoints.Upgrade(parseResult.GetValue(folder)!));
                return 0;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or RobotActors.Policies.SafeTensors.SafeTensorsFormatException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        policies.Add(upgrade);
        return policies;
    }
}
