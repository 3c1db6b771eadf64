using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Processors;
using RobotActors.Rl.Algorithms.Sac;
using RobotActors.Rl.Buffers;
using RobotActors.Rl.Data;
using RobotActors.Rl.Tests.Buffers;
using RobotActors.Rl.Tests.Sac;
using RobotActors.Rl.Training;
using TorchSharp;

namespace RobotActors.Rl.Tests.Training;

public class RlTrainerTests
{
    /// <summary>Stats for <see cref="Transitions"/>' 2-D state and 2 + gripper action.</summary>
    public static DatasetStats Stats() => new DatasetStats()
        .Set(PolicyKeys.ObservationState, "min", [-50, -50]).Set(PolicyKeys.ObservationState, "max", [50, 50])
        .Set(PolicyKeys.Action, "min", [-5, -5, 0]).Set(PolicyKeys.Action, "max", [5, 5, 2]);

    public static GaussianActorConfig Policy()
    {
        var config = SacAlgorithmTests.SmallPolicy();
        config.InputFeatures = new() { [PolicyKeys.ObservationState] = new(FeatureType.State, [2]) };
        config.OnlineStepBeforeLearning = 5;
        return config;
    }

    public static RlTrainer Trainer(ReplayBuffer online, ReplayBuffer? offline = null, Action<string>? log = null, int seed = 7, SacAlgorithmConfig? algorithm = null)
    {
        var config = Policy();
        var policy = new GaussianActorPolicy(config);
        var (pre, _) = GaussianActorProcessors.Make(config, Stats());
        return new RlTrainer(new SacAlgorithm(policy, algorithm ?? SacAlgorithmTests.SmallAlgorithm()), pre, new OnlineOfflineMixer(online, offline, 0.5),
            batchSize: 8, config.OnlineStepBeforeLearning, seed, log);
    }

    [Fact]
    public void A_transition_with_a_NaN_is_skipped_and_reported_and_training_goes_on_without_it()
    {
        var log = new List<string>();
        var trainer = Trainer(new ReplayBuffer(100, useDrq: false), log: log.Add);
        foreach (var t in Transitions.Episode(0, 6, camera: false)) Assert.True(trainer.AddTransition(t));
        var nan = Transitions.Step(9, 10, camera: false) with { Action = [float.NaN, 0, 1] };
        Assert.False(trainer.AddTransition(nan));
        Assert.Equal(6, trainer.Mixer.Online.Count);
        Assert.Equal(1, trainer.SkippedTransitions);
        Assert.Equal(6, trainer.InteractionStep);
        Assert.Contains(log, l => l.Contains("skipped a transition") && l.Contains("NaN in action[0]"));
        var metrics = trainer.TrainingStep();
        Assert.Equal(1, metrics["skipped_transitions"]);
        Assert.Equal(1, metrics["optimization_step"]);
        Assert.True(double.IsFinite(metrics["loss_critic"]));
    }

    [Fact]
    public void Interventions_go_to_the_offline_buffer_too_and_learning_waits_for_online_step_before_learning()
    {
        var online = new ReplayBuffer(100, useDrq: false);
        var offline = new ReplayBuffer(100, useDrq: false);
        var trainer = Trainer(online, offline);
        trainer.AddTransition(Transitions.Step(1, 2, camera: false));
        trainer.AddTransition(Transitions.Step(2, 3, camera: false, intervention: true));
        trainer.AddTransition(Transitions.Step(3, 4, camera: false));
        Assert.Equal(3, online.Count);
        Assert.Equal(1, offline.Count);
        Assert.True(offline.Get(0).IsIntervention);

        Assert.False(trainer.ReadyToLearn);
        Assert.Contains("online_step_before_learning=5", Assert.Throws<InvalidOperationException>(() => trainer.TrainingStep()).Message);
        trainer.AddTransitions(Transitions.Episode(10, 2, camera: false));
        Assert.True(trainer.ReadyToLearn);
        var metrics = trainer.TrainingStep();
        Assert.Equal(5, metrics["replay_buffer_size"]);
        Assert.Equal(1, metrics["offline_replay_buffer_size"]);
        var status = trainer.Status();
        Assert.Equal((1L, 5L, 5, 1), (status.OptimizationStep, status.InteractionStep, status.OnlineBufferSize, status.OfflineBufferSize));
        Assert.True(status.UpdatesPerSecond > 0);
        Assert.Equal(metrics["temperature"], status.Temperature);
    }
}
