using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Buffers;
using RobotActors.Rl.Tests.Buffers;
using RobotActors.Rl.Training;

namespace RobotActors.Rl.Tests.Training;

public sealed class HilSerlLearnerSetupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ra-hilserl-setup-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task The_offline_buffer_is_loaded_from_the_configs_demonstration_dataset_and_a_too_small_capacity_is_refused()
    {
        var demos = new ReplayBuffer(capacity: 20, useDrq: false);
        foreach (var t in Transitions.Episode(0, 6, camera: false).Concat(Transitions.Episode(10, 5, camera: false))) demos.Add(t);
        var root = Path.Combine(_dir, "demos");
        await ReplayBufferDatasets.ToLeRobotDatasetAsync(demos, root, fps: 10, task: "push_cube");
        JsonObject Config(int offlineCapacity) => new()
        {
            ["dataset"] = new JsonObject { ["root"] = root },
            ["policy"] = new JsonObject
            {
                ["type"] = "gaussian_actor",
                ["input_features"] = new JsonObject { ["observation.state"] = new JsonObject { ["type"] = "STATE", ["shape"] = new JsonArray(2) } },
                ["output_features"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "ACTION", ["shape"] = new JsonArray(2) } },
                ["num_discrete_actions"] = 3,
                ["latent_dim"] = 8,
                ["offline_buffer_capacity"] = offlineCapacity,
            },
            ["algorithm"] = new JsonObject { ["type"] = "sac" },
        };
        var setup = HilSerlLearnerSetup.Create(TrainConfigReader.Read(Config(50), "in-memory"));
        var offline = setup.Trainer.Mixer.Offline!;
        Assert.Equal(11, offline.Count);
        Assert.Equal(50, offline.Capacity);
        Assert.Equal(demos.Get(7).Observation.States["observation.state"], offline.Get(7).Observation.States["observation.state"]);
        Assert.Equal(0, setup.Trainer.Mixer.Online.Count);

        var e = Assert.Throws<LeRobotConfigException>(() => HilSerlLearnerSetup.Create(TrainConfigReader.Read(Config(5), "in-memory")));
        Assert.Contains("raise offline_buffer_capacity to at least 11", e.Message);
    }

    private static string Example(string name) => Repository.Path("examples", "hilserl", name);

    [Fact]
    public void The_example_train_config_builds_the_learner_with_its_buffers_mixer_and_frequencies()
    {
        var file = TrainConfigReader.Read(Example("train_config_hilserl_so101_sim.json"), [new("dataset.root", "/nonexistent/demos")]);
        var setup = HilSerlLearnerSetup.Create(file);
        var trainer = setup.Trainer;
        Assert.Equal(256, trainer.BatchSize);
        Assert.Equal(100, trainer.OnlineStepBeforeLearning);
        Assert.Equal(1000, trainer.Seed);
        Assert.Equal((30000, 10000), (trainer.Mixer.Online.Capacity, trainer.Mixer.Offline!.Capacity));
        Assert.Equal(0.5, trainer.Mixer.OnlineRatio);
        Assert.True(trainer.Mixer.Online.UseDrq); // cameras: DrQ shift when sampling
        Assert.Equal(TimeSpan.FromSeconds(4), setup.PushInterval);
        Assert.Equal(2000, setup.SaveFreq);
        Assert.True(setup.SaveCheckpoint);
        Assert.False(HilSerlLearnerSetup.Create(TrainConfigReader.Read(Example("train_config_hilserl_so101_sim.json"),
            [new("dataset.root", "/nonexistent/demos"), new("save_checkpoint", "false")])).SaveCheckpoint, "save_checkpoint=false is not kept");
        Assert.Equal(["observation.images.front", "observation.images.wrist", "observation.state"], setup.ObservationKeys);
        Assert.Equal(0.97, trainer.Algorithm.Config.Discount);
        // No dataset there: the offline buffer starts empty, said once; LeRobot's placeholder stats are not warned about.
        Assert.Contains(setup.Warnings, w => w.Contains("/nonexistent/demos") && w.Contains("offline buffer starts empty"));
        Assert.DoesNotContain(setup.Warnings, w => w.Contains("dataset_stats"));
    }

    [Fact]
    public void Statistics_come_from_the_policy_config_when_they_fit_and_one_that_does_not_is_named_and_left_out()
    {
        var config = new GaussianActorConfig
        {
            InputFeatures = { [PolicyKeys.ObservationState] = new(FeatureType.State, [3]) },
            OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [2]) },
            NumDiscreteActions = 3,
            DatasetStats = new()
            {
                [PolicyKeys.ObservationState] = new() { ["min"] = [-1, -2, -3], ["max"] = [1, 2] },
                [PolicyKeys.Action] = new() { ["min"] = [-1, -1], ["max"] = [1, 1] },
            },
        };
        var warnings = new List<string>();
        var stats = HilSerlStats.For(config, warnings.Add);
        Assert.Equal([-1f, -2f, -3f], stats[PolicyKeys.ObservationState]["min"].data<float>().ToArray());
        Assert.False(stats[PolicyKeys.ObservationState].ContainsKey("max"));
        Assert.Equal([1f, 1f], stats[PolicyKeys.Action]["max"].data<float>().ToArray());
        Assert.Equal("policy.dataset_stats.observation.state.max has 2 values but observation.state has 3; it is not used", Assert.Single(warnings));
    }

    [Fact]
    public void A_policy_the_SAC_learner_does_not_train_is_refused_naming_its_type()
    {
        var file = TrainConfigReader.Read(Example("reward_classifier_train_config.json"));
        var e = Assert.Throws<LeRobotConfigException>(() => HilSerlLearnerSetup.Create(file));
        Assert.Contains("\"reward_classifier\" is not trained by the HIL-SERL learner", e.Message);
    }
}
