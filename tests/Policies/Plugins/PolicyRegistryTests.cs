using RobotActors.Policies.Configs;
using RobotActors.Policies.Plugins;

namespace RobotActors.Policies.Tests.Plugins;

public class PolicyRegistryTests
{
    [Fact]
    public void Every_built_in_policy_is_listed_with_a_one_line_description()
    {
        var available = PolicyPlugins.Available().ToDictionary(a => a.Type);
        foreach (var type in new[] { "act", "diffusion", "sac", "reward_classifier" })
        {
            Assert.Equal("built-in", available[type].Source);
            Assert.False(string.IsNullOrWhiteSpace(available[type].Description), $"{type} has no description");
            Assert.DoesNotContain('\n', available[type].Description);
        }
        Assert.StartsWith("Action Chunking Transformer", available["act"].Description);
    }

    [Fact]
    public void A_plugin_whose_policy_type_clashes_with_a_built_in_one_is_refused_naming_both()
    {
        var report = PolicyPlugins.RegisterPlugin(typeof(Clashing.ActConfig).Assembly);
        var warning = Assert.Single(report.Warnings, w => w.Contains("'act'"));
        Assert.Contains("RobotActors.Policies.Act.ActConfig", warning);
        Assert.Contains("RobotActors.Policies.Tests.Plugins.Clashing.ActConfig", warning);
        Assert.Contains("built-in", warning);
        // The built-in one stays.
        Assert.Equal(typeof(RobotActors.Policies.Act.ActConfig), PolicyConfigRegistry.Get("act"));
        Assert.IsType<RobotActors.Policies.Act.ActConfig>(PreTrainedConfig.Create("act"));
    }
}
