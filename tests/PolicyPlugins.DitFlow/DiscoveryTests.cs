using RobotActors.Policies.Configs;
using RobotActors.Policies.Plugins;
using RobotActors.Policies.Rtc;

namespace RobotActors.Plugins.DitFlow.Tests;

public class DiscoveryTests
{
    [Fact]
    public void The_plugin_is_discovered_in_the_plugins_folder_and_listed_with_a_one_line_description()
    {
        var report = DitFlowPlugin.Discovered;
        Assert.Empty(report.Warnings);
        var loaded = Assert.Single(report.Plugins, p => p.AssemblyName == DitFlowPlugin.AssemblyName);
        Assert.Equal(["dit_flow"], loaded.PolicyTypes);
        Assert.Equal(Path.GetFullPath(DitFlowPlugin.Folder), Path.GetDirectoryName(loaded.Location));

        // What `robotactors policies list` prints, line by line.
        var (type, source, description) = Assert.Single(PolicyPlugins.Available(), a => a.Type == "dit_flow");
        Assert.StartsWith($"plugin {DitFlowPlugin.AssemblyName} (", source);
        Assert.Contains("flow-matching diffusion transformer", description);
        Assert.DoesNotContain('\n', description);
        Assert.Contains(PolicyPlugins.Available(), a => a.Type == "diffusion" && a.Source == "built-in");
    }

    [Fact]
    public void The_policy_comes_from_the_plugin_assembly_and_supports_real_time_chunking()
    {
        var config = DitFlowPlugin.Config(new Dictionary<string, PolicyFeature> { [PolicyKeys.ObservationState] = new(FeatureType.State, [3]) }, 2,
            ("hidden_dim", "16"), ("num_layers", "1"), ("num_heads", "2"), ("chunk_size", "6"), ("n_action_steps", "3"),
            ("rtc_config.enabled", "true"), ("rtc_config.execution_horizon", "3"), ("rtc_config.prefix_attention_schedule", "\"exp\""));
        using var policy = DitFlowPlugin.Make(config);
        Assert.Equal(DitFlowPlugin.AssemblyName, policy.GetType().Assembly.GetName().Name);
        var rtc = Assert.IsAssignableFrom<IRealTimeChunkingPolicy>(policy);
        Assert.True(rtc.RtcConfig.Enabled);
        Assert.Equal(3, rtc.RtcConfig.ExecutionHorizon);
        Assert.Equal(6, rtc.ChunkSize);
        // config.json carries the RTC settings as LeRobot's rtc_config.
        var json = System.Text.Json.Nodes.JsonNode.Parse(config.ToJson())!;
        Assert.Equal("dit_flow", json["type"]!.GetValue<string>());
        Assert.True(json["rtc_config"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(10.0, json["rtc_config"]!["max_guidance_weight"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("n_action_steps", "9", "dit_flow: n_action_steps=9 is larger than chunk_size=6")]
    [InlineData("hidden_dim", "15", "hidden_dim=15 must be divisible by num_heads=2")]
    [InlineData("time_sampling", "\"logit_normal\"", "time_sampling='logit_normal' must be one of beta, uniform")]
    [InlineData("rtc_config", "{\"enabled\": true, \"execution_horizon\": 7}", "rtc_config.execution_horizon=7 must be between 1 and chunk_size=6")]
    [InlineData("rtc_config.prefix_attention_schedule", "\"cosine\"", "rtc_config.prefix_attention_schedule='cosine' must be one of ZEROS, ONES, LINEAR, EXP")]
    [InlineData("rtc_config.max_guidance_weight", "0", "--policy.rtc_config.max_guidance_weight must be > 0, got 0")]
    public void Settings_that_cannot_work_are_refused_naming_the_field_and_the_rule(string field, string value, string message)
    {
        var e = Assert.Throws<PolicyConfigException>(() =>
        {
            var config = DitFlowPlugin.Config(new Dictionary<string, PolicyFeature> { [PolicyKeys.ObservationState] = new(FeatureType.State, [3]) }, 2,
                ("hidden_dim", "16"), ("num_heads", "2"), ("chunk_size", "6"), ("n_action_steps", "3"), (field, value));
            using var policy = DitFlowPlugin.Make(config);
        });
        Assert.Contains(message, e.Message);
    }
}
