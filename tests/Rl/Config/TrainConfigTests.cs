using RobotActors.Policies.RewardClassifier;
using RobotActors.Policies.Sac;
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
    public void The_current_layouts_algorithm_section_is_checked_key_by_key()
    {
        var path = Edit("train_config_hilserl_so101_sim_v05.json", j => j.Replace("\"dataset\": {", "\"algorithm\": {\"type\": \"sac\", \"discont\": 0.97}, \"mixer\": \"online_offline\", \"dataset\": {"));
        var e = Assert.Throws<LeRobotConfigException>(() => TrainConfigReader.Read(path));
        Assert.Contains("algorithm.discont: unknown key; did you mean 'discount'?", e.Message);
        var file = TrainConfigReader.Read(Edit("train_config_hilserl_so101_sim_v05.json", j => j.Replace("\"dataset\": {",
            "\"algorithm\": {\"type\": \"sac\", \"discount\": 0.97}, \"mixer\": \"online_offline\", \"online_ratio\": 0.5, \"dataset\": {")));
        Assert.Equal("online_offline", file.Mixer);
        Assert.Equal(0.5, file.OnlineRatio);
        Assert.Equal(0.97, file.Algorithm!["discount"]!.GetValue<double>());
        // Until the RL split registers LeRobot's gaussian_actor policy, the current layout is refused with the way out.
        if (RobotActors.Policies.Configs.PolicyConfigRegistry.Names.Contains("gaussian_actor"))
            Assert.Equal("sac", TrainConfigReader.Read(Example("train_config_hilserl_so101_sim.json")).Algorithm!["type"]!.GetValue<string>());
        else
            Assert.Contains("policy.type: \"gaussian_actor\" is not a policy in this build",
                Assert.Throws<LeRobotConfigException>(() => TrainConfigReader.Read(Example("train_config_hilserl_so101_sim.json"))).Message);
    }
}
