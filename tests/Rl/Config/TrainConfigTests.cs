using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.RewardClassifier;
using RobotActors.Policies.Sac;
using RobotActors.Rl.Algorithms.Sac;
using RobotActors.Rl.Env.Config;

namespace RobotActors.Rl.Tests.Config;

public sealed class TrainConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ra-traincfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Example(string name) => Repository.Path("examples", "hilserl", name);

    private string Edit(string example, Func<string, string> change)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, change(File.ReadAllText(Example(example))));
        return path;
    }

    [Fact]
    public void The_reward_classifier_train_config_reads_into_its_policy_config()
    {
        var file = TrainConfigReader.Read(Example("reward_classifier_train_config.json"));
        var policy = Assert.IsType<RewardClassifierConfig>(file.Policy);
        Assert.Equal(2, policy.NumCameras);
        Assert.Equal([3, 128, 128], policy.InputFeatures["observation.images.wrist"].Shape);
        Assert.Equal(2000, file.Steps);
        Assert.Equal("outputs/datasets/sim_pick_lift_cube", file.DatasetRoot);
        Assert.False(file.IsHilSerl);
        Assert.Empty(file.Warnings);
    }

    [Fact]
    public void A_misspelled_policy_key_names_its_JSON_path_and_cuda_and_amp_are_warned_about()
    {
        var e = Assert.Throws<LeRobotConfigException>(() => TrainConfigReader.Read(Edit("reward_classifier_train_config.json", j => j.Replace("\"hidden_dim\"", "\"hiden_dim\""))));
        Assert.Contains("policy.hiden_dim: unknown key; did you mean 'hidden_dim'?", e.Message);
        var file = TrainConfigReader.Read(Edit("reward_classifier_train_config.json", j => j.Replace("\"device\": \"cpu\"", "\"device\": \"cuda\"")
            .Replace("\"use_amp\": false", "\"use_amp\": true").Replace("\"enable\": false", "\"enable\": true")));
        Assert.Equal("cpu", file.Policy.Device);
        Assert.False(file.Policy.UseAmp);
        Assert.Equal(3, file.Warnings.Count);
        Assert.Contains(file.Warnings, w => w.StartsWith("warning: wandb is ignored"));
    }

    [Fact]
    public void A_v05_HIL_SERL_train_config_reads_its_sac_policy_and_env_and_warns_about_the_learner_address()
    {
        var file = TrainConfigReader.Read(Example("train_config_hilserl_so101_sim_v05.json"));
        var sac = Assert.IsType<SacConfig>(file.Policy);
        Assert.Equal(3, sac.NumDiscreteActions);
        Assert.Equal(0.97, sac.Discount);
        Assert.True(file.IsHilSerl);
        Assert.True(file.Env!.Robot!.IsSim);
        Assert.Equal("scripted", file.Env.Teleop!.Type);
        Assert.Contains(file.Warnings, w => w.StartsWith("warning: policy.actor_learner_config.learner_host is ignored"));
        Assert.Contains(file.Warnings, w => w.StartsWith("warning: policy.actor_learner_config.learner_port is ignored"));
    }

    [Fact]
    public void The_current_layout_reads_gaussian_actor_through_the_registry_and_its_algorithm_into_SACAlgorithmConfig()
    {
        var file = TrainConfigReader.Read(Example("train_config_hilserl_so101_sim.json"));
        var policy = Assert.IsType<GaussianActorConfig>(file.Policy);
        Assert.Equal([3, 128, 128], policy.InputFeatures["observation.images.front"].Shape);
        Assert.Equal(3, policy.NumDiscreteActions);
        Assert.Equal(100, policy.OnlineStepBeforeLearning);
        var algorithm = Assert.IsType<SacAlgorithmConfig>(file.Algorithm);
        Assert.Equal((0.97, 0.01, 2, 1), (algorithm.Discount, algorithm.TemperatureInit, algorithm.UtdRatio, algorithm.PolicyUpdateFreq));
        Assert.Equal(0.005, algorithm.CriticTargetUpdateWeight);
        Assert.Equal(("online_offline", 0.5), (file.Mixer, file.OnlineRatio));
        var (learnerPolicy, learnerAlgorithm) = file.Sac!.Value;
        Assert.Same(policy, learnerPolicy);
        Assert.Same(algorithm, learnerAlgorithm);
        Assert.Equal("gaussian_actor", file.Json["policy"]!["type"]!.GetValue<string>());
        Assert.Equal(2000, file.SaveFreq);
        // Flags override the file's keys as draccus does, and land in the typed configs.
        var flagged = TrainConfigReader.Read(Example("train_config_hilserl_so101_sim.json"),
            [new("algorithm.utd_ratio", "3"), new("policy.online_step_before_learning", "20"), new("batch_size", "32")]);
        Assert.Equal((3, 20, 32), (flagged.Algorithm!.UtdRatio, ((GaussianActorConfig)flagged.Policy).OnlineStepBeforeLearning, flagged.BatchSize));
    }

    [Fact]
    public void A_v05_sac_config_splits_into_the_gaussian_actor_and_the_SAC_algorithm_with_the_same_numbers()
    {
        var file = TrainConfigReader.Read(Example("train_config_hilserl_so101_sim_v05.json"));
        var sac = Assert.IsType<SacConfig>(file.Policy);
        Assert.Null(file.Algorithm);
        var (policy, algorithm) = file.Sac!.Value;
        Assert.Equal("gaussian_actor", policy.Type);
        Assert.Equal(sac.InputFeatures.Keys.Order(), policy.InputFeatures.Keys.Order());
        Assert.Equal(sac.NumDiscreteActions, policy.NumDiscreteActions);
        Assert.Equal((sac.Discount, sac.UtdRatio, sac.TemperatureInit, sac.CriticLr), (algorithm.Discount, algorithm.UtdRatio, algorithm.TemperatureInit, algorithm.CriticLr));
        var both = Edit("train_config_hilserl_so101_sim_v05.json", j => j.Replace("\"dataset\": {", "\"algorithm\": {\"type\": \"sac\"}, \"dataset\": {"));
        Assert.Contains("v0.5's policy.type \"sac\" holds the SAC settings itself",
            Assert.Throws<LeRobotConfigException>(() => TrainConfigReader.Read(both)).Message);
    }

    [Fact]
    public void The_algorithm_section_is_checked_key_by_key_against_SACAlgorithmConfig_and_each_value_against_its_range()
    {
        string Algorithm(string from, string to) => Edit("train_config_hilserl_so101_sim.json", j => j.Replace(from, to));
        var e = Assert.Throws<LeRobotConfigException>(() => TrainConfigReader.Read(Algorithm("\"discount\": 0.97", "\"discont\": 0.97")));
        Assert.Contains("algorithm.discont: unknown key; did you mean 'discount'?", e.Message);
        Assert.Contains("num_subsample_critics", e.Message); // the known keys are SACAlgorithmConfig's, not a list kept by hand
        e = Assert.Throws<LeRobotConfigException>(() => TrainConfigReader.Read(Algorithm("\"policy_update_freq\": 1", "\"policy_update_freq\": 1, \"online_buffer_capacity\": 5")));
        Assert.Contains("algorithm.online_buffer_capacity: is a policy setting", e.Message);
        Assert.Contains("move it to policy.online_buffer_capacity", e.Message);
        e = Assert.Throws<LeRobotConfigException>(() => TrainConfigReader.Read(Algorithm("\"utd_ratio\": 2", "\"utd_ratio\": 0")));
        Assert.Contains("algorithm.utd_ratio", e.Message);
        e = Assert.Throws<LeRobotConfigException>(() => TrainConfigReader.Read(Algorithm("\"type\": \"sac\",\n    \"discount\"", "\"type\": \"td3\",\n    \"discount\"")));
        Assert.Contains("algorithm.type: \"td3\" is not an RL algorithm here", e.Message);
        e = Assert.Throws<LeRobotConfigException>(() => TrainConfigReader.Read(Edit("train_config_hilserl_so101_sim.json", j => j[..j.IndexOf("\"algorithm\"", StringComparison.Ordinal)].TrimEnd().TrimEnd(',') + "}")));
        Assert.Contains("algorithm: is required with policy.type \"gaussian_actor\"", e.Message);
    }

    [Fact]
    public void A_config_built_in_memory_reads_as_strictly_as_a_file()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse("""{"policy": {"type": "gaussian_actor"}, "algorithm": {"type": "sac"}, "batch_size": 256}""")!.AsObject();
        var file = TrainConfigReader.Read(json, "robotactors.learner", [new("algorithm.discount", "0.9")]);
        Assert.Equal(0.9, file.Algorithm!.Discount);
        Assert.Equal(256, file.BatchSize);
        Assert.Empty(file.Policy.InputFeatures);
        Assert.Contains("robotactors.learner: polcy: unknown key",
            Assert.Throws<LeRobotConfigException>(() => TrainConfigReader.Read(json, "robotactors.learner", [new("polcy.x", "1")])).Message);
    }
}
