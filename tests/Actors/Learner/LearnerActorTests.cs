using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Akka.Actor;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Learner;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;
using RobotActors.Actors.Tests.Session;
using RobotActors.Actors.Transitions;
using RobotActors.Actors.Weights;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Training;
using RobotActors.Rl.Training;
using static RobotActors.Actors.Tests.Transitions.LoopbackCluster;

namespace RobotActors.Actors.Tests.Learner;

/// <summary>
/// The learner singleton on a real node (SQLite journal, remoting, pub-sub): steps recorded by a robot's session
/// reach it through the real feeder and inbox, it trains on them, publishes weights, checkpoints, and after a
/// restart resumes its step, weights and buffer.
/// </summary>
public sealed class LearnerActorTests : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private const string Robot = "arm";

    private string WriteConfig(int saveFreq = 10) => LearnerConfigs.Write(_dir.Path, saveFreq);

    private Task<RobotActorsNode> StartNodeAsync(string configPath, string overrides = "") =>
        StartAsync(Path.Combine(_dir.Path, "data"), "\"robot\", \"learner\"",
            extra: $"robotactors.hilserl.config-path = \"{configPath.Replace("\\", "/")}\"\nrobotactors.hilserl.overrides = [{overrides}]");

    private static IActorRef StartSession(RobotActorsNode node) =>
        node.System.ActorOf(SessionActor.Props(Robot, SessionSettings.Default, TransitionFeeder.Props(SessionActor.PersistenceIdFor(Robot), TransitionSettings.Default)),
            "session-" + Robot);

    /// <summary>Episodes of <paramref name="length"/> steps, the last one done with its next observation; every third step an intervention.</summary>
    private static async Task RecordEpisodesAsync(IActorRef session, int episodes, int length, Func<int, int, StepRecord>? edit = null)
    {
        for (var e = 0; e < episodes; e++)
        {
            var episode = (await session.Ask<EpisodeOpened>(new StartEpisode(Robot), Wait)).Episode;
            for (var i = 0; i < length; i++)
            {
                var step = edit?.Invoke(e, i) ?? SessionSteps.Step(episode, i, intervention: i % 3 == 0, reward: i == length - 1 ? 1 : 0, done: i == length - 1);
                session.Tell(new RecordStep(Robot, step with { Episode = episode }), ActorRefs.NoSender);
            }
            await session.Ask<EpisodeClosed>(new EndEpisode(Robot, episode, EpisodeOutcome.Success), Wait);
        }
    }

    private static Task<LearnerStatus> StatusAsync(RobotActorsNode node) =>
        LearnerSingleton.Proxy(node.System).Ask<LearnerStatus>(GetLearnerStatus.Instance, TimeSpan.FromSeconds(10));

    private static string Describe(LearnerStatus s) =>
        $"{s.Phase} {s.Problem} step {s.OptimizationStep} received {s.InteractionStep} online {s.OnlineBufferSize} offline {s.OfflineBufferSize} " +
        $"version {s.WeightsVersion} checkpoint '{s.LastCheckpoint}' refused {s.RefusedTransitions} unpaired {s.UnpairedSteps}";

    private sealed class ProgressListener : ReceiveActor
    {
        public ProgressListener(ConcurrentQueue<LearnerProgress> heard)
        {
            Receive<LearnerProgress>(heard.Enqueue);
            Receive<Akka.Cluster.Tools.PublishSubscribe.SubscribeAck>(_ => { });
        }
    }

    private sealed class WeightsOwner : ReceiveActor
    {
        public WeightsOwner(ConcurrentQueue<WeightsReceived> received) => Receive<WeightsReceived>(received.Enqueue);
    }

    [Fact]
    public async Task The_learner_trains_on_steps_from_the_real_inbox_publishes_weights_and_resumes_step_weights_and_buffer_after_a_restart()
    {
        var config = WriteConfig(saveFreq: 10);
        LearnerStatus trained;
        await using (var node = await StartNodeAsync(config))
        {
            var received = new ConcurrentQueue<WeightsReceived>();
            node.System.ActorOf(WeightsReceiver.Props(node.System.ActorOf(Props.Create(() => new WeightsOwner(received))), WeightsSettings.Default), "weights-receiver");
            var progress = new ConcurrentQueue<LearnerProgress>();
            var listener = node.System.ActorOf(Props.Create(() => new ProgressListener(progress)));
            Akka.Cluster.Tools.PublishSubscribe.DistributedPubSub.Get(node.System).Mediator.Tell(
                new Akka.Cluster.Tools.PublishSubscribe.Subscribe(LearnerTopics.Progress, listener));
            var session = StartSession(node);
            await session.Ask<SessionStatus>(new StartSession(Robot, "push_cube", 30), Wait);
            await RecordEpisodesAsync(session, episodes: 3, length: 10); // 30 steps → 30 transitions, 12 of them interventions

            var first = await EventuallyAsync(() => StatusAsync(node), s => s.OptimizationStep >= 3 && s.LastLosses.Count > 0, Wait, Describe);
            Assert.Equal(30, first.InteractionStep);
            Assert.Equal(30, first.OnlineBufferSize);
            Assert.Equal(12, first.OfflineBufferSize); // interventions are copied to the offline buffer
            Assert.Equal(0, first.RefusedTransitions);
            Assert.Equal(0, first.UnpairedSteps);
            Assert.All(first.LastLosses.Values, l => Assert.True(double.IsFinite(l)));

            trained = await EventuallyAsync(() => StatusAsync(node), s => s.OptimizationStep >= 25 && s.LastCheckpoint.Length > 0 && s.WeightsVersion >= 2, Wait, Describe);
            Assert.True(first.LastLosses["loss_critic"] != trained.LastLosses["loss_critic"], // it is learning, not repeating one update
                $"{Describe(first)} {string.Join(",", first.LastLosses)} / {Describe(trained)} {string.Join(",", trained.LastLosses)}");
            Assert.Equal("training", trained.Phase);

            // Weights reach a robot's receiver through the real publisher, as valid ActorWeights of the version announced.
            var weights = await EventuallyAsync(() => Task.FromResult(received.LastOrDefault()), w => w is not null && w.Version >= 2, Wait, w => $"version {w?.Version}");
            Assert.Equal(weights!.Version, ActorWeights.ReadVersion(weights.Payload));

            // Robots read the learner's progress from pub-sub: step and updates/s moving, buffer sizes as in the status.
            var heard = await EventuallyAsync(() => Task.FromResult(progress.LastOrDefault()), p => p is not null && p.OptimizationStep > 0 && p.UpdatesPerSecond > 0,
                Wait, p => $"progress {p}");
            Assert.Equal(30, heard!.OnlineBufferSize);
            Assert.Equal(12, heard.OfflineBufferSize);
            Assert.True(heard.WeightsVersion >= 1);
        }
        var checkpoint = Checkpoints.Resolve(Checkpoints.Last(Path.Combine(_dir.Path, "data", "learner"))!);
        var checkpointStep = Checkpoints.ReadStep(checkpoint);
        var versionBefore = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir.Path, "data", "learner", LearnerLoop.VersionFile)))!["weights_version"]!.GetValue<long>();
        Assert.True(checkpointStep >= 10 && checkpointStep % 10 == 0, $"checkpoint at step {checkpointStep}");

        // Restarted so that it does not train further (learning would start at 1000 transitions): what it runs is exactly what it restored.
        await using (var again = await StartNodeAsync(config, "\"--policy.online_step_before_learning=1000\""))
        {
            var received = new ConcurrentQueue<WeightsReceived>();
            again.System.ActorOf(WeightsReceiver.Props(again.System.ActorOf(Props.Create(() => new WeightsOwner(received))), WeightsSettings.Default), "weights-receiver");
            var resumed = await EventuallyAsync(() => StatusAsync(again), s => s.Phase is "waiting" or "failed", Wait, Describe);
            Assert.Equal("", resumed.Problem);
            Assert.Equal(checkpointStep, resumed.OptimizationStep); // continues from the checkpoint, not from 0
            Assert.Equal(30, resumed.InteractionStep);
            Assert.Equal(30, resumed.OnlineBufferSize); // rebuilt from the inbox's journal, each transition once
            Assert.Equal(12, resumed.OfflineBufferSize);
            Assert.Equal(checkpoint, resumed.LastCheckpoint);
            Assert.True(resumed.Temperature > 0);
            Assert.True(resumed.WeightsVersion > versionBefore, Describe(resumed)); // newer than any version the robots already had

            // The weights it publishes are the checkpoint's policy weights, byte for byte.
            var weights = await EventuallyAsync(() => Task.FromResult(received.LastOrDefault()), w => w is not null, Wait, _ => "no weights after the restart");
            var model = Path.Combine(checkpoint, Checkpoints.PretrainedModelDir);
            var saved = new GaussianActorPolicy((GaussianActorConfig)Policies.Configs.PreTrainedConfig.Load(model));
            saved.LoadWeights(model);
            Assert.Equal(ActorWeights.Export(saved, weights!.Version), weights.Payload);
        }
    }

    [Fact]
    public async Task A_step_with_a_NaN_is_refused_and_counted_and_every_other_transition_is_kept()
    {
        var config = WriteConfig();
        await using var node = await StartNodeAsync(config, "\"--policy.online_step_before_learning=10\"");
        var session = StartSession(node);
        await session.Ask<SessionStatus>(new StartSession(Robot, "push_cube", 30), Wait);
        await RecordEpisodesAsync(session, episodes: 2, length: 10, edit: (e, i) =>
        {
            var step = SessionSteps.Step(e, i, done: i == 9);
            if (e != 0 || i != 4) return step;
            var state = new Dictionary<string, float[]>(step.Observation.State) { ["observation.state"] = [1, float.NaN, 0, 0, 0, 0] };
            return step with { Observation = step.Observation with { State = state } };
        });
        // Step 4's observation is s of its own transition and s' of step 3's: both are refused, the other 18 kept.
        var status = await EventuallyAsync(() => StatusAsync(node), s => s.InteractionStep + s.RefusedTransitions >= 20 && s.OptimizationStep > 0 || s.Phase == "failed", Wait, Describe);
        Assert.Equal("training", status.Phase); // and it trains on the rest (no interventions: the offline buffer stays empty)
        Assert.Equal(2, status.RefusedTransitions);
        Assert.Equal(18, status.InteractionStep);
        Assert.Equal(18, status.OnlineBufferSize);
        Assert.Equal("", status.Problem);

        // The console shows it, through the gateway and the singleton proxy.
        var reply = await Console(node, "learner status");
        Assert.True(reply.Ok, reply.Text);
        Assert.Contains("refused     2 transitions (non-finite values)", reply.Text);
        Assert.Contains("online 18, offline 0", reply.Text);
        Assert.Matches(@"learner     (training|waiting)", reply.Text);
    }

    private static Task<CommandReply> Console(RobotActorsNode node, string line)
    {
        var words = line.Split(' ');
        return node.Gateway.Ask<CommandReply>(new RunCommand(words[0], words[1..], DateTimeOffset.UtcNow), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_learner_without_a_usable_train_config_stays_idle_and_learner_status_says_why()
    {
        await using (var node = await StartAsync(Path.Combine(_dir.Path, "none"), "learner"))
        {
            var reply = await EventuallyAsync(() => Console(node, "learner status"), r => r.Text.Contains("idle"), Wait, r => r.Text);
            Assert.Contains("no HIL-SERL train config: set robotactors.hilserl.config-path", reply.Text);
        }
        var bad = Path.Combine(_dir.Path, "bad.json");
        File.WriteAllText(bad, File.ReadAllText(WriteConfig()).Replace("\"utd_ratio\"", "\"utd_ratoi\""));
        await using (var node = await StartAsync(Path.Combine(_dir.Path, "bad"), "learner", extra: $"robotactors.hilserl.config-path = \"{bad.Replace("\\", "/")}\""))
        {
            var reply = await EventuallyAsync(() => Console(node, "learner status"), r => r.Text.Contains("idle"), Wait, r => r.Text);
            Assert.Contains("bad.json was refused", reply.Text);
            Assert.Contains("utd_ratoi", reply.Text);
        }
    }

    public void Dispose() => _dir.Dispose();
}
