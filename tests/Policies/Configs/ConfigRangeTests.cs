using System.Reflection;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Sac;
using RobotActors.Policies.Training;

namespace RobotActors.Policies.Tests.Configs;

/// <summary>Issue 12.3: every numeric config field has a range, checked when the config is read, with one message naming field, value and rule.</summary>
public class ConfigRangeTests
{
    private static PolicyConfigException Refused(string field, string value) =>
        Assert.Throws<PolicyConfigException>(() => PreTrainedConfig.Create("sac", new Dictionary<string, string> { [field] = value }));

    [Theory]
    [InlineData("actor_lr", "NaN", "--policy.actor_lr must be > 0, got NaN")]
    [InlineData("actor_lr", "nan", "--policy.actor_lr must be > 0, got NaN")]
    [InlineData("discount", "NaN", "--policy.discount must be in (0, 1], got NaN")]
    [InlineData("discount", "1.5", "--policy.discount must be in (0, 1], got 1.5")]
    [InlineData("discount", "0", "--policy.discount must be in (0, 1], got 0")]
    [InlineData("temperature_init", "Infinity", "--policy.temperature_init must be > 0, got Infinity")]
    [InlineData("temperature_init", "-INF", "--policy.temperature_init must be > 0, got -Infinity")]
    [InlineData("critic_lr", "-1", "--policy.critic_lr must be > 0, got -1")]
    [InlineData("latent_dim", "-5", "--policy.latent_dim must be >= 1, got -5")]
    [InlineData("latent_dim", "nan", "--policy.latent_dim: expected an integer, got \"nan\"")]
    [InlineData("critic_network_kwargs.hidden_dims", "[64,0]", "--policy.critic_network_kwargs.hidden_dims[1] must be >= 1, got 0")]
    [InlineData("policy_kwargs.std_min", "0", "--policy.policy_kwargs.std_min must be > 0, got 0")]
    [InlineData("target_entropy", "inf", "--policy.target_entropy must be a finite number, got Infinity")]
    [InlineData("actor_learner_config.learner_port", "70000", "--policy.actor_learner_config.learner_port must be in [1, 65535], got 70000")]
    public void A_flag_out_of_range_is_refused_naming_the_flag_the_value_and_the_rule(string field, string value, string expected) =>
        Assert.Equal(expected, Refused(field, value).Message);

    [Fact]
    public void A_config_json_out_of_range_is_refused_naming_the_file_and_the_field_even_with_python_nan()
    {
        var dir = Directory.CreateTempSubdirectory("ranges-");
        try
        {
            var path = Path.Combine(dir.FullName, "config.json");
            File.WriteAllText(path, """{"type": "sac", "discount": NaN, "actor_lr": 1e-4}""");
            var e = Assert.Throws<PolicyConfigException>(() => PreTrainedConfig.Load(dir.FullName));
            Assert.Equal($"{path}: discount must be in (0, 1], got NaN", e.Message);

            File.WriteAllText(path, """{"type": "reward_classifier", "dropout_rate": 1.0, "learning_rate": "-infinity"}""");
            e = Assert.Throws<PolicyConfigException>(() => PreTrainedConfig.Load(dir.FullName));
            Assert.StartsWith($"{path}: dropout_rate must be in [0, 1), got 1 (and 1 more: learning_rate must be > 0, got -Infinity)", e.Message);

            // A flag is named as a flag even when the rest comes from a file.
            File.WriteAllText(path, """{"type": "sac"}""");
            e = Assert.Throws<PolicyConfigException>(() => PreTrainedConfig.Load(dir.FullName, new Dictionary<string, string> { ["utd_ratio"] = "0" }));
            Assert.Equal("--policy.utd_ratio must be >= 1, got 0", e.Message);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Every_registered_config_has_valid_defaults_and_every_rule_parses()
    {
        foreach (var name in PolicyConfigRegistry.Names)
            Assert.Empty(ConfigRanges.Find(PreTrainedConfig.Create(name)));
        var rules = typeof(PreTrainedConfig).Assembly.GetTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(p => p.GetCustomAttribute<ConfigRangeAttribute>()).Where(a => a is not null).ToList();
        Assert.True(rules.Count > 40, $"only {rules.Count} ranged fields");
        Assert.Throws<ArgumentException>(() => new ConfigRangeAttribute("positive"));
    }

    [Fact]
    public void Nested_optimizer_groups_train_options_and_schedulers_are_checked_the_same_way()
    {
        var optimizer = new MultiAdamConfig { OptimizerGroups = new() { ["actor"] = new() { Lr = -1e-4 }, ["critic"] = new() { Betas = [0.9, 1.0] } } };
        Assert.Equal(["optimizer_groups.actor.lr must be > 0, got -0.0001", "optimizer_groups.critic.betas[1] must be in [0, 1), got 1"],
            ConfigRanges.Find(optimizer).Select(v => v.ToString()));
        Assert.Single(ConfigRanges.Find(new CosineDecayWithWarmupSchedulerConfig { PeakLr = 0 }));

        var options = new TrainOptions { OutputDir = "x", LogFreq = 0 };
        Assert.Equal("--log_freq must be >= 1, got 0", Assert.Throws<PolicyConfigException>(() => PolicyTrainer.CheckOptions(options)).Message);
        Assert.Contains("--save_freq must be >= 1, got 0", Assert.Throws<PolicyConfigException>(() => PolicyTrainer.CheckOptions(options with { LogFreq = 1, SaveFreq = 0 })).Message);
        Assert.Contains("--steps must be >= 1, got -3", Assert.Throws<PolicyConfigException>(() => PolicyTrainer.CheckOptions(options with { LogFreq = 1, Steps = -3 })).Message);
    }

    [Fact]
    public void Non_finite_values_survive_a_save_and_load_round_trip_only_as_a_refusal()
    {
        var config = (SacConfig)PreTrainedConfig.Create("sac");
        config.Discount = double.NaN; // set in code, bypassing the reader
        var e = Assert.Throws<PolicyConfigException>(() => PreTrainedConfig.FromJson(config.ToJson(), source: "saved"));
        Assert.Equal("saved: discount must be in (0, 1], got NaN", e.Message);
    }
}
