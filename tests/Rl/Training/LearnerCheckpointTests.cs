using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.SafeTensors;
using RobotActors.Policies.Training;
using RobotActors.Rl.Algorithms.Sac;
using RobotActors.Rl.Buffers;
using RobotActors.Rl.Data;
using RobotActors.Rl.Tests.Buffers;
using RobotActors.Rl.Tests.Sac;
using RobotActors.Rl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Training;

public class LearnerCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("learner-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly SacAlgorithmConfig Algorithm = SacAlgorithmTests.SmallAlgorithm(utd: 2, policyUpdateFreq: 2);

    /// <summary>The same 120 transitions every time: what the runtime replays from its journal into a rebuilt buffer.</summary>
    private static IEnumerable<Transition> Journal() =>
        Enumerable.Range(0, 6).SelectMany(e => Transitions.Episode(e * 20, 20, done: e % 2 == 0, camera: false))
            .Select(t => t with { IsIntervention = t.Reward % 7 == 0 });

    private static ReplayBuffer Offline()
    {
        var buffer = new ReplayBuffer(capacity: 50, seed: 4, useDrq: false);
        foreach (var t in Transitions.Episode(500, 30, camera: false)) buffer.Add(t);
        return buffer;
    }

    private static RlTrainer NewTrainer(int torchSeed, GaussianActorConfig? config = null, SacAlgorithmConfig? algorithm = null)
    {
        torch.manual_seed(torchSeed);
        config ??= RlTrainerTests.Policy();
        var policy = new GaussianActorPolicy(config);
        var (pre, _) = GaussianActorProcessors.Make(config, RlTrainerTests.Stats());
        var trainer = new RlTrainer(new SacAlgorithm(policy, algorithm ?? Algorithm), pre,
            new OnlineOfflineMixer(new ReplayBuffer(capacity: 100, seed: 3, useDrq: false), Offline(), 0.5), batchSize: 8, config.OnlineStepBeforeLearning, seed: 21);
        Assert.Equal(120, trainer.AddTransitions(Journal()));
        return trainer;
    }

    private static void Train(RlTrainer trainer, int steps)
    {
        for (var i = 0; i < steps; i++) trainer.TrainingStep();
    }

    /// <summary>What a resumed learner must reproduce: actions (sampled and deterministic), Q-values, temperature and steps.</summary>
    private static string Behaviour(RlTrainer trainer)
    {
        var policy = trainer.Algorithm.Policy;
        torch.manual_seed(123);
        var obs = new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.randn(5, 2) };
        policy.DeterministicActions = true;
        var actions = policy.SelectAction(obs);
        policy.DeterministicActions = false;
        torch.manual_seed(5);
        var sampled = policy.SelectAction(obs).bytes.ToArray();
        var q = trainer.Algorithm.QValues(obs, actions[.., ..2]).bytes.ToArray();
        return $"actions {Convert.ToHexString(actions.bytes)} sampled {Convert.ToHexString(sampled)} q {Convert.ToHexString(q)} " +
               $"temperature {trainer.Algorithm.Temperature:R} step {trainer.OptimizationStep}";
    }

    /// <summary>The uninterrupted run's behaviour after 12 steps (computed once for every test here).</summary>
    private static readonly Lazy<string> Straight = new(() =>
    {
        var straight = NewTrainer(torchSeed: 1);
        Train(straight, 12);
        return Behaviour(straight);
    });

    private (RlTrainer Trainer, long Version, string Checkpoint) SaveAndResume(Action<RlTrainer>? lose = null)
    {
        var first = NewTrainer(torchSeed: 1);
        Train(first, 6);
        var (pre, post) = GaussianActorProcessors.Make(RlTrainerTests.Policy(), RlTrainerTests.Stats());
        var output = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        var checkpoint = LearnerCheckpoint.Save(output, first, pre, post, new JsonObject { ["batch_size"] = 8, ["online_ratio"] = 0.5 }, weightsVersion: 17);

        var contents = LearnerCheckpoint.Read(Checkpoints.Last(output)!);
        // A fresh process: another random init, buffers rebuilt from the same transitions.
        var resumed = NewTrainer(torchSeed: 2, contents.Policy, contents.Algorithm);
        var version = LearnerCheckpoint.Restore(Checkpoints.Last(output)!, resumed);
        lose?.Invoke(resumed);
        return (resumed, version, checkpoint);
    }

    [Fact]
    public void A_resumed_learner_continues_exactly_as_the_uninterrupted_one_in_LeRobots_layout()
    {
        var (resumed, version, checkpoint) = SaveAndResume();
        Assert.Equal(17, version);
        Assert.Equal(6, resumed.OptimizationStep);
        Assert.Equal("000006", Path.GetFileName(checkpoint));
        foreach (var file in new[] { "pretrained_model/config.json", "pretrained_model/model.safetensors", "pretrained_model/train_config.json",
                     "pretrained_model/policy_preprocessor.json", "algorithm/model.safetensors", "training_state/training_step.json",
                     "training_state/optimizer_state.safetensors", "training_state/optimizer_param_groups.json", "training_state/rng_state.safetensors",
                     "training_state/learner_state.json" })
            Assert.True(File.Exists(Path.Combine(checkpoint, file)), $"{file} missing");
        Assert.Equal("gaussian_actor", JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, "pretrained_model/config.json")))!["type"]!.GetValue<string>());
        var train = JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, "pretrained_model/train_config.json")))!;
        Assert.Equal("sac", train["algorithm"]!["type"]!.GetValue<string>());
        Assert.Equal(2, train["algorithm"]!["utd_ratio"]!.GetValue<int>());
        Assert.Contains("log_alpha", SafeTensorsFile.Read(Path.Combine(checkpoint, "algorithm/model.safetensors")).Tensors.Keys);
        Assert.DoesNotContain(SafeTensorsFile.Read(Path.Combine(checkpoint, "pretrained_model/model.safetensors")).Tensors.Keys, k => k.StartsWith("critic"));

        Train(resumed, 6);
        Assert.Equal(Straight.Value, Behaviour(resumed));
        Assert.Equal(120, resumed.InteractionStep);
    }

    public static TheoryData<string> Parts => ["policy weights", "critics", "targets", "temperature", "optimizer states", "optimization step", "sampler state"];

    /// <summary>Proof that the comparison above fails when any one part of the learner's state is not restored.</summary>
    [Theory]
    [MemberData(nameof(Parts))]
    public void Losing_any_one_part_of_the_state_makes_the_resumed_learner_diverge(string part)
    {
        var (resumed, _, _) = SaveAndResume(lose: trainer =>
        {
            var fresh = NewTrainer(torchSeed: 3);
            void Copy(IEnumerable<Tensor> from, IEnumerable<Tensor> to)
            {
                using var noGrad = torch.no_grad();
                foreach (var (f, t) in from.Zip(to)) t.copy_(f);
            }
            switch (part)
            {
                case "policy weights": Copy(fresh.Algorithm.Policy.Actor.parameters(), trainer.Algorithm.Policy.Actor.parameters()); break;
                case "critics": Copy(fresh.Algorithm.CriticEnsemble.parameters(), trainer.Algorithm.CriticEnsemble.parameters()); break;
                case "targets": Copy(fresh.Algorithm.CriticTarget.parameters(), trainer.Algorithm.CriticTarget.parameters()); break;
                case "temperature": Copy([fresh.Algorithm.LogAlpha], [trainer.Algorithm.LogAlpha]); break;
                case "optimizer states": trainer.Algorithm.MakeOptimizers(); break;
                case "optimization step": trainer.Algorithm.OptimizationStep = 0; break;
                case "sampler state": trainer.Mixer.Online.RandomState = 42; break;
            }
        });
        Train(resumed, 6);
        Assert.NotEqual(Straight.Value, Behaviour(resumed));
    }

    [Fact]
    public void Checkpoints_are_due_every_save_freq_steps_and_a_zero_save_freq_is_refused()
    {
        Assert.Equal([false, false, true, false, true], new long[] { 0, 1, 2, 3, 4 }.Select(s => LearnerCheckpoint.IsDue(s, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearnerCheckpoint.IsDue(3, 0));
    }
}
