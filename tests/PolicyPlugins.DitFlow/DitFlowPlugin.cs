using System.Globalization;
using System.Text.Json.Nodes;
using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Plugins;

namespace RobotActors.Plugins.DitFlow.Tests;

/// <summary>The plugin as the host sees it: discovered in the plugins folder beside the tests, configs made by name and flags.</summary>
internal static class DitFlowPlugin
{
    public const string Type = "dit_flow";
    public const string AssemblyName = "RobotActors.Policy.DitFlow";

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "plugins");

    private static readonly Lazy<PolicyPlugins.LoadReport> Report = new(() => PolicyPlugins.Discover(Folder));

    public static PolicyPlugins.LoadReport Discovered => Report.Value;

    /// <summary>A dit_flow config from --policy.* style overrides (JSON values), as the CLI makes it.</summary>
    public static PreTrainedConfig Config(IReadOnlyDictionary<string, PolicyFeature> inputs, int actionDim, params (string Key, string Value)[] overrides)
    {
        _ = Discovered;
        var features = new JsonObject();
        foreach (var (key, f) in inputs)
            features[key] = new JsonObject { ["type"] = f.Type.ToLeRobot(), ["shape"] = new JsonArray(f.Shape.Select(d => (JsonNode)d).ToArray()) };
        var all = new List<KeyValuePair<string, string>>
        {
            new("input_features", features.ToJsonString()),
            new("output_features", $"{{\"action\": {{\"type\": \"ACTION\", \"shape\": [{actionDim}]}}}}"),
        };
        all.AddRange(overrides.Select(o => KeyValuePair.Create(o.Key, o.Value)));
        return PreTrainedConfig.Create(Type, all);
    }

    /// <summary>The policy, on one Torch thread: the models are tiny and the machine is shared.</summary>
    public static PreTrainedPolicy Make(PreTrainedConfig config)
    {
        TorchSharp.torch.set_num_threads(1);
        return PolicyFactory.MakePolicy(config);
    }

    public static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
