using System.Collections.Concurrent;
using System.Diagnostics;
using RobotActors.Devices.Workcell.Operators;
using RobotActors.Policies.GaussianActor;
using RobotActors.Rl.Actor;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;

namespace RobotActors.Rl.Training;

/// <summary>What one real-time run measured.</summary>
public sealed record RealTimeLoopFigures(
    double Fps, int Ticks, long Overruns, Percentiles PeriodError, Percentiles StepToBuffer, Percentiles PublishToApply,
    double UpdatesPerSecond, long OptimizationSteps, double ReplayBytesPerTransition, int Episodes);

/// <summary>
/// The robot's control loop and the learner in one process and in real time, as a node with both roles runs them:
/// the <see cref="HilSerlActorLoop"/> on its own thread at env.fps on the simulated workcell (its physics and cameras
/// in real time), the <see cref="LearnerLoop"/> training SAC on another thread on every step the loop hands over, and
/// the learner's weights pushed back to the replica. It measures how late each tick ends against its deadline (the
/// period error) and the overruns, step-to-buffer and publish-to-apply latency, learner updates/s and the replay
/// buffer's bytes per transition. No Akka: the cluster's own hops are measured by `bench runtime`.
/// </summary>
public static class RealTimeLoopBenchmark
{
    public static RealTimeLoopFigures Run(TrainConfigFile file, TimeSpan duration, string outputDir, Action<string> log, CancellationToken cancel = default)
    {
        var env = file.Env ?? throw new LeRobotConfigException($"{file.Source}: the bench needs an \"env\" section (a gym_manipulator env on the simulated workcell).");
        if (env.Robot?.IsSim != true) throw new LeRobotConfigException($"{file.Source}: env.robot.port must be \"sim\" for the bench.");
        if (file.Sac is not var (policyConfig, _))
            throw new LeRobotConfigException($"{file.Source}: policy.type \"{file.Policy.Type}\" is not trained by the HIL-SERL learner; use \"gaussian_actor\".");
        var setup = HilSerlLearnerSetup.Create(file, log);
        using var replica = new PolicyReplica(policyConfig);
        using var environment = RobotEnvironment.Open(env, new RobotEnvironmentOptions
        {
            UseEnvReward = true, SimRealTime = true, Seed = file.Seed ?? 1000, ConfigFile = file.Source, Device = policyConfig.Device ?? "cpu",
        });
        replica.CheckInputs(environment.ObservationFeatures(), file.Source);
        var weights = new PendingWeights();
        var published = new ConcurrentDictionary<long, long>(); // version → Stopwatch ticks at publish
        var clock = Stopwatch.StartNew();
        var stepToBuffer = new ConcurrentQueue<double>();
        var publishToApply = new ConcurrentQueue<double>();
        using var learner = new LearnerLoop(setup, outputDir, log, (version, payload) =>
        {
            published[version] = clock.ElapsedTicks;
            weights.Offer(payload);
        });
        var sink = new Sink(learner, setup.ObservationKeys, clock, stepToBuffer, publishToApply, published);
        learner.Start();
        var loop = new HilSerlActorLoop(environment.Env, replica, weights, sink, environment.ActionNames, environment.Teleop as ScriptedOperator) { Seed = file.Seed ?? 1000 };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        stop.CancelAfter(duration);
        var startSteps = 0L;
        Exception? loopFailed = null;
        var thread = new Thread(() =>
        {
            // An exception on this thread would abort the process (e.g. a sim camera starved on a loaded machine): report it instead.
            try { loop.Run(stop.Token); }
            catch (Exception e) { loopFailed = e; }
        }) { Name = "bench-control-loop", IsBackground = true, Priority = ThreadPriority.AboveNormal };
        var learnStart = TimeSpan.Zero;
        thread.Start();
        while (thread.IsAlive)
        {
            if (learnStart == TimeSpan.Zero && learner.Snapshot.Phase == "training")
            {
                learnStart = clock.Elapsed;
                startSteps = learner.Snapshot.Trainer.OptimizationStep;
            }
            thread.Join(200);
        }
        var end = learner.Snapshot.Trainer.OptimizationStep;
        var learningSeconds = learnStart == TimeSpan.Zero ? 0 : (clock.Elapsed - learnStart).TotalSeconds;
        var rt = environment.Env.Clock as RealTimeClock
                 ?? throw new InvalidOperationException("the simulated workcell did not run in real time");
        var errors = rt.PeriodErrorsMs();
        learner.Dispose(); // joins the training and ingest threads: nothing touches the buffer any more
        if (loopFailed is not null)
            throw new InvalidOperationException($"the control loop stopped at {env.Fps} Hz after {clock.Elapsed.TotalSeconds:F0} s, so there are no figures for this rate: " +
                                                $"{loopFailed.GetType().Name}: {loopFailed.Message}" +
                                                (loopFailed is TimeoutException ? " (the machine is too busy for the simulated cameras at this rate; rerun on a quieter machine)" : ""));
        return new RealTimeLoopFigures(env.Fps, errors.Length, rt.Overruns, Percentiles.Of(errors), Percentiles.Of(stepToBuffer.ToArray()),
            Percentiles.Of(publishToApply.ToArray()), learningSeconds > 0 ? (end - startSteps) / learningSeconds : 0, end,
            setup.Trainer.Mixer.Online.BytesPerTransition, sink.Episodes);
    }

    private sealed class Sink(LearnerLoop learner, IReadOnlyList<string> keys, Stopwatch clock, ConcurrentQueue<double> stepToBuffer,
        ConcurrentQueue<double> publishToApply, ConcurrentDictionary<long, long> published) : IActorLoopSink
    {
        private int _episode = -1;
        public int Episodes { get; private set; }

        public int OpenEpisode() => ++_episode;

        public void Step(int episode, int index, StepResult step, long policyVersion, DateTimeOffset tickTime)
        {
            var handed = clock.ElapsedTicks;
            learner.Add([StepTransitions.From(step, keys)], () => stepToBuffer.Enqueue((clock.ElapsedTicks - handed) * 1000.0 / Stopwatch.Frequency));
        }

        public void EpisodeEnded(int episode, EpisodeEnd end, int length) => Episodes++;

        public void PolicyApplied(long version, int episode, int index)
        {
            if (published.TryRemove(version, out var at)) publishToApply.Enqueue((clock.ElapsedTicks - at) * 1000.0 / Stopwatch.Frequency);
        }

        public void Warn(string message) { }
    }
}
