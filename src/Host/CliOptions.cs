using System.CommandLine;

namespace RobotActors.Host;

/// <summary>Options several commands share.</summary>
public static class CliOptions
{
    public static Option<string> Config(string defaultFile = "hocon/single-node.conf") => new("--config")
    {
        Description = "HOCON config file (shipped: single-node.conf, robot-node.conf, learner-node.conf, postgres.conf).",
        DefaultValueFactory = _ => defaultFile,
    };

    public static Option<string[]> Set() => new("--set")
    {
        Description = "Override a setting: --set robotactors.node.port=4060 (repeatable).",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show stack traces and extra detail on errors.",
        Recursive = true,
    };
}
