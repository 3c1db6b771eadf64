using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Rl.Algorithms.Sac;
using RobotActors.Rl.Buffers;
using RobotActors.Rl.Data;
using RobotActors.Rl.Tests.Buffers;
using RobotActors.Rl.Tests.Sac;
using RobotActors.Rl.Training;
using TorchSharp;

namespace RobotActors.Rl.Tests.Training;

/// <summary>
/// Transitions reach the replay buffer while a SAC update runs (the learner loop's ingest thread), and the lock
/// between adds and samples keeps every sampled row one whole transition (LeRobot #2309).
/// </summary>
public class LearnerLoopIngestTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20); // a bound for a hang, not a timing assertion
    private readonly string _dir = Directory.CreateTempSubdirectory("learner-ingest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (RlTrainer Trainer, HilSerlLearnerSetup Setup) Setup(ReplayBuffer online)
    {
        torch.manual_seed(11);
        var config = RlTrainerTests.Policy();
        var (pre, post) = GaussianActorProcessors.Make(config, RlTrainerTests.Stats());
        var trainer = new RlTrainer(new SacAlgorithm(new GaussianActorPolicy(config), SacAlgorithmTests.SmallAlgorithm()), pre,
            new OnlineOfflineMixer(online), batchSize: 8, config.OnlineStepBeforeLearning, seed: 7);
        var setup = new HilSerlLearnerSetup(trainer, pre, post, new JsonObject(), PushInterval: TimeSpan.FromHours(1), SaveFreq: 1_000_000,
            TotalSteps: 0, ObservationKeys: [PolicyKeys.ObservationState], Warnings: []);
        return (trainer, setup);
    }

    [Fact]
    public void A_transition_handed_over_while_an_update_is_in_progress_is_in_the_buffer_before_that_update_ends()
    {
        var online = new ReplayBuffer(100, seed: 3, useDrq: false);
        var (trainer, setup) = Setup(online);
        using var inUpdate = new ManualResetEventSlim(false);
        using var release = new ManualResetEventSlim(false);
        using var added = new ManualResetEventSlim(false);
        var gated = 0;
        // Hold the first update after its first batch is drawn: the training thread is then inside TrainingStep.
        trainer.BatchDrawn = () =>
        {
            if (Interlocked.Exchange(ref gated, 1) != 0) return;
            inUpdate.Set();
            release.Wait(Patience);
        };
        using var loop = new LearnerLoop(setup, _dir, _ => { }, (_, _) => { });
        loop.Add(Transitions.Episode(0, 6, done: false, camera: false).ToList()); // the journal replayed before Start
        loop.Start();
        try
        {
            Assert.True(inUpdate.Wait(Patience), "the learner never started an update");
            Assert.Equal(6, online.Count);

            loop.Add([Transitions.Step(6, 7, camera: false)], added.Set);
            Assert.True(added.Wait(Patience), "the transition was not added while the update was in progress");
            Assert.Equal(7, online.Count);
            Assert.Equal(7, trainer.InteractionStep);
            Assert.Equal(0, trainer.OptimizationStep); // the update it overlapped has not ended
            Assert.Equal(6f, online.Get(6).Observation.States[PolicyKeys.ObservationState][0]);
        }
        finally
        {
            release.Set();
        }
        var deadline = DateTime.UtcNow + Patience;
        while (loop.Snapshot.Trainer.OptimizationStep < 2 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.True(loop.Snapshot.Trainer.OptimizationStep >= 2, $"training did not go on after the gate: {loop.Snapshot.Phase} {loop.Snapshot.Problem}");
        Assert.Equal("", loop.Snapshot.Problem);
    }

    [Fact]
    public void Adds_on_one_thread_and_samples_on_another_never_give_a_torn_transition_or_a_wrong_count()
    {
        var online = new ReplayBuffer(64, seed: 5, useDrq: false);
        var offline = new ReplayBuffer(32, seed: 6, useDrq: false);
        var trainer = RlTrainerTests.Trainer(online, offline);
        const int total = 3000;
        static Transition Numbered(int id) => Transitions.Step(id, id + 1, intervention: id % 5 == 0);
        Assert.True(trainer.AddTransition(Numbered(0)));

        Exception? addFailed = null;
        var adder = new Thread(() =>
        {
            try
            {
                for (var id = 1; id < total; id++)
                    if (!trainer.AddTransition(Numbered(id))) throw new InvalidOperationException($"transition {id} was refused");
            }
            catch (Exception e)
            {
                addFailed = e;
            }
        });
        adder.Start();
        var batches = 0;
        var lastCount = 0;
        while (adder.IsAlive || batches < 20)
        {
            var count = online.Count;
            Assert.InRange(count, lastCount, online.Capacity);
            lastCount = count;
            var batch = trainer.SampleBatch(16);
            try
            {
                Check(batch);
            }
            finally
            {
                foreach (var t in batch.Values) t.Dispose();
            }
            batches++;
        }
        adder.Join();
        Assert.Null(addFailed);

        Assert.Equal(total, trainer.InteractionStep);
        Assert.Equal(total, online.TotalAdded);
        Assert.Equal(64, online.Count);
        Assert.Equal(total / 5, offline.TotalAdded);
        Assert.Equal(0, trainer.SkippedTransitions);
        // The newest 64, in order, each whole.
        for (var i = 0; i < online.Count; i++)
        {
            var t = online.Get(i);
            var id = total - online.Count + i;
            Assert.Equal(id, t.Observation.States[PolicyKeys.ObservationState][0]);
            Assert.Equal(Transitions.Frame(id).Pixels, t.Observation.Images[Transitions.Camera].Pixels);
            Assert.Equal(Transitions.Frame(id + 1).Pixels, t.NextObservation.Images[Transitions.Camera].Pixels);
        }
    }

    /// <summary>Every row's parts come from one transition: state id, action, reward, next state and both frames agree.</summary>
    private static void Check(Dictionary<string, torch.Tensor> batch)
    {
        var state = batch[PolicyKeys.ObservationState].data<float>().ToArray();
        var next = batch[PolicyKeys.NextPrefix + PolicyKeys.ObservationState].data<float>().ToArray();
        var action = batch[PolicyKeys.Action].data<float>().ToArray();
        var reward = batch[PolicyKeys.Reward].data<float>().ToArray();
        var frame = batch[Transitions.Camera];
        var nextFrame = batch[PolicyKeys.NextPrefix + Transitions.Camera];
        for (var row = 0; row < reward.Length; row++)
        {
            var id = (int)state[row * 2];
            Assert.Equal(-id, state[row * 2 + 1]);
            Assert.Equal(id, reward[row]);
            Assert.Equal(id / 10f, action[row * 3], 5);
            Assert.Equal(id + 1, next[row * 2]);
            // Frame(id): byte i of H×W×C is (id·37 + i·11) % 251; (c, y=0, x=0) is byte c, (c, y=1, x=2) is byte (12 + 2)·3 + c.
            foreach (var (c, y, x) in new[] { (0, 0, 0), (1, 0, 0), (2, 1, 2) })
            {
                var i = (y * 12 + x) * 3 + c;
                Assert.Equal((id * 37 + i * 11) % 251, (int)Math.Round(frame[row, c, y, x].item<float>() * 255));
                Assert.Equal(((id + 1) * 37 + i * 11) % 251, (int)Math.Round(nextFrame[row, c, y, x].item<float>() * 255));
            }
        }
    }
}
