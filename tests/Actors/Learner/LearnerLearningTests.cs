using System.Collections.Concurrent;
using Akka.Actor;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Learner;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;
using RobotActors.Actors.Transitions;
using RobotActors.Actors.Weights;
using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Training;
using TorchSharp;
using static RobotActors.Actors.Tests.Transitions.LoopbackCluster;

namespace RobotActors.Actors.Tests.Learner;

/// <summary>
/// The learner learns what the reward asks for, end to end: a robot's session records steps with random actions
/// whose reward is highest for a first action value of 0.6; the learner trains on them through the real feeder,
/// inbox and training thread, and a replica built from the same config the way a robot builds it, with the
/// weights the learner published, acts near 0.6.
/// </summary>
public sealed class LearnerLearningTests : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private const string Robot = "arm";
    private const float Best = 0.6f;

    private sealed class WeightsOwner : ReceiveActor
    {
        public WeightsOwner(ConcurrentQueue<WeightsReceived> received) => Receive<WeightsReceived>(received.Enqueue);
    }

    private static Observation State(Random random) => new(
        new Dictionary<string, float[]> { ["observation.state"] = Enumerable.Range(0, 6).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray() },
        new Dictionary<string, RobotActors.Datasets.Images.ImageFrame>());

    [Fact]
    public async Task A_replica_with_the_published_weights_acts_where_the_reward_is_highest()
    {
        var config = LearnerConfigs.Write(_dir.Path, saveFreq: 1000, actionMax0: 1);
        string[] overrides = ["--algorithm.actor_lr=0.01", "--algorithm.critic_lr=0.01", "--algorithm.discount=0.5", "--algorithm.temperature_init=0.01", "--batch_size=32",
            "--policy.online_step_before_learning=100"];
        await using var node = await StartAsync(Path.Combine(_dir.Path, "data"), "\"robot\", \"learner\"", extra:
            $"robotactors.hilserl.config-path = \"{config.Replace("\\", "/")}\"\nrobotactors.hilserl.overrides = [{string.Join(", ", overrides.Select(o => $"\"{o}\""))}]");
        var received = new ConcurrentQueue<WeightsReceived>();
        node.System.ActorOf(WeightsReceiver.Props(node.System.ActorOf(Props.Create(() => new WeightsOwner(received))), WeightsSettings.Default), "weights-receiver");
        var session = node.System.ActorOf(SessionActor.Props(Robot, SessionSettings.Default,
            TransitionFeeder.Props(SessionActor.PersistenceIdFor(Robot), TransitionSettings.Default)), "session-" + Robot);
        await session.Ask<SessionStatus>(new StartSession(Robot, "push_cube", 30), Wait);

        var random = new Random(11);
        for (var e = 0; e < 20; e++)
        {
            var episode = (await session.Ask<EpisodeOpened>(new StartEpisode(Robot), Wait)).Episode;
            for (var i = 0; i < 20; i++)
            {
                float[] action = [(float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1), random.Next(3)];
                var reward = 1 - (action[0] - Best) * (action[0] - Best);
                var last = i == 19;
                session.Tell(new RecordStep(Robot, new StepRecord(episode, i, State(random), action, reward, last, false, false, 0, 0, DateTimeOffset.UtcNow,
                    last ? State(random) : null)), ActorRefs.NoSender);
            }
            await session.Ask<EpisodeClosed>(new EndEpisode(Robot, episode, EpisodeOutcome.Success), Wait);
        }

        var proxy = LearnerSingleton.Proxy(node.System);
        // 500 updates after the last transition is in: how many came before depends on how fast the learner ran while
        // the steps were still arriving (a learner on one torch thread is there in a fraction of the time).
        var allIn = await EventuallyAsync(() => proxy.Ask<LearnerStatus>(GetLearnerStatus.Instance, Wait), s => s.InteractionStep >= 400 || s.Phase == "failed", Wait,
            s => $"{s.Phase} step {s.OptimizationStep}, {s.InteractionStep} transitions");
        var trained = await EventuallyAsync(() => proxy.Ask<LearnerStatus>(GetLearnerStatus.Instance, Wait), s => s.OptimizationStep >= allIn.OptimizationStep + 500 || s.Phase == "failed", Wait,
            s => $"{s.Phase} step {s.OptimizationStep}, {s.InteractionStep} transitions");
        Assert.True(trained.Phase != "failed", trained.Problem);
        Assert.Equal(400, trained.InteractionStep);
        var weights = await EventuallyAsync(() => Task.FromResult(received.LastOrDefault()), w => w is not null && w.Version >= trained.WeightsVersion, Wait,
            w => $"version {w?.Version}, want {trained.WeightsVersion}");

        // The robot's side: the same config, the same statistics and processors, then the pushed weights.
        var file = TrainConfigReader.Read(config, overrides.Select(o => new KeyValuePair<string, string>(o[2..o.IndexOf('=')], o[(o.IndexOf('=') + 1)..])));
        var (replica, pre, post) = HilSerlStats.Build((GaussianActorConfig)file.Policy);
        var before = Act(replica, pre, post, new Random(3));
        Assert.Equal(weights!.Version, ActorWeights.Import(replica, weights.Payload));
        var after = Act(replica, pre, post, new Random(3));

        Assert.True(after.Max(a => Math.Abs(a - Best)) < 0.25, $"after training the first action is {string.Join(", ", after.Select(a => a.ToString("F2")))}; best is {Best}");
        Assert.True(after.Average(a => Math.Abs(a - Best)) < before.Average(a => Math.Abs(a - Best)) / 2,
            $"untrained {string.Join(", ", before.Select(a => a.ToString("F2")))}, trained {string.Join(", ", after.Select(a => a.ToString("F2")))}");

        // What `robotactors report` plots: the learner's progress, appended while it trained, in order.
        var progress = LearnerProgressLog.Read(Path.Combine(_dir.Path, "data", "learner", LearnerProgressLog.FileName));
        Assert.NotEmpty(progress);
        Assert.All(progress.Zip(progress.Skip(1)), p => Assert.True(p.Item2.OptimizationStep >= p.Item1.OptimizationStep && p.Item2.At >= p.Item1.At));
        Assert.InRange(progress[0].OnlineTransitions, 100, 400);
    }

    /// <summary>The replica's deterministic first action value on a few states, as a robot would run it.</summary>
    private static float[] Act(GaussianActorPolicy policy, Policies.Processors.ProcessorPipeline pre, Policies.Processors.ProcessorPipeline post, Random random)
    {
        policy.DeterministicActions = true;
        return Enumerable.Range(0, 8).Select(_ =>
        {
            using var scope = torch.NewDisposeScope();
            var state = torch.tensor(State(random).State["observation.state"]).reshape(1, 6);
            var action = post.ProcessAction(policy.SelectAction(pre.ProcessBatch(new Dictionary<string, torch.Tensor> { [PolicyKeys.ObservationState] = state })));
            return action.to(torch.ScalarType.Float32).reshape(-1).data<float>()[0];
        }).ToArray();
    }

    public void Dispose() => _dir.Dispose();
}
