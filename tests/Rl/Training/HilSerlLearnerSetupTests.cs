using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Training;

namespace RobotActors.Rl.Tests.Training;

public sealed class HilSerlLearnerSetupTests
{
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
