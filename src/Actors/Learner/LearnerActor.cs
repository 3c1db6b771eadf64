using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Transitions;
using RobotActors.Actors.Weights;
using RobotActors.Rl.Env.Config;
using RobotActors.Rl.Training;

namespace RobotActors.Actors.Learner;

/// <summary>
/// The HIL-SERL learner (a cluster singleton on role "learner", /user/learner): it wires the RL library's
/// trainer to the cluster and holds no learning logic itself. Modes:
/// <list type="bullet">
/// <item>starting: the train config is read and the policy, algorithm and buffers built, off the mailbox;</item>
/// <item>rebuilding: every step the transition inbox holds durable is replayed from the inbox's journal into the
///   buffers (in the order it was accepted, so the rebuilt buffers are the ones the learner had), then the last
///   checkpoint is restored;</item>
/// <item>running: the inbox (child) tells it each new batch of steps, which it pairs into transitions and hands to
///   the training thread (<see cref="LearnerLoop"/>, the buffers' one writer); the loop's weights go to the
///   publisher (child); progress is published on "ra.learner.progress";</item>
/// <item>idle: no train config, or it was refused; `learner status` says why.</item>
/// </list>
/// </summary>
/// <remarks>
/// Supervision: the inbox and the publisher are restarted on failure (the inbox recovers from its journal, the
/// publisher gets the next weights at the next push); the inbox is created only after the rebuild, so no step is
/// both replayed and delivered. Stopping the singleton stops the training thread.
/// </remarks>
public sealed class LearnerActor : ReceiveActor, IWithTimers
{
    public const string Name = "learner";
    public const string ProxyName = "learner-proxy";
    public const string Role = "learner";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RobotActorsSettings _settings;
    private readonly string _inboxPersistenceId;
    private HilSerlLearnerSetup? _setup;
    private LearnerLoop? _loop;
    private StepPairing? _pairing;
    private IActorRef? _publisher;
    private string _idleReason = "";
    private long _rebuiltSteps;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RobotActorsSettings settings, string inboxPersistenceId = TransitionInbox.DefaultPersistenceId) =>
        Akka.Actor.Props.Create(() => new LearnerActor(settings, inboxPersistenceId));

    public LearnerActor(RobotActorsSettings settings, string inboxPersistenceId)
    {
        _settings = settings;
        _inboxPersistenceId = inboxPersistenceId;
        Starting();
    }

    private sealed record SetupReady(HilSerlLearnerSetup Setup);

    private sealed record SetupFailed(string Reason);

    private sealed class RebuildStarted
    {
        public static readonly RebuildStarted Instance = new();
    }

    private sealed class RebuildAck
    {
        public static readonly RebuildAck Instance = new();
    }

    private sealed class RebuildDone
    {
        public static readonly RebuildDone Instance = new();
    }

    private sealed record RebuildFailed(Exception Cause);

    private sealed record WeightsReady(long Version, byte[] Payload);

    private sealed class PublishProgress
    {
        public static readonly PublishProgress Instance = new();
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    protected override void PreStart()
    {
        if (_settings.Learner.ConfigFullPath is not { } path)
        {
            Idle("no HIL-SERL train config: set robotactors.hilserl.config-path to a LeRobot train config (e.g. examples/hilserl/train_config_hilserl_so101_sim.json)", error: false);
            return;
        }
        var overrides = _settings.Learner.OverridePairs().ToList();
        var log = Logging.GetLogger(Context.System, "learner");
        Task.Run(() =>
        {
            if (!File.Exists(path)) throw new LeRobotConfigException($"robotactors.hilserl.config-path: {path} does not exist; point it at a LeRobot HIL-SERL train config");
            return HilSerlLearnerSetup.Create(TrainConfigReader.Read(path, overrides), line => LogLine(log, line));
        }).PipeTo(Self, success: s => new SetupReady(s), failure: e => new SetupFailed(e is LeRobotConfigException or IOException or Policies.Configs.PolicyConfigException
            ? e.Message : $"{e.GetType().Name}: {e.Message}"));
    }

    protected override void PostStop() => _loop?.Dispose();

    /// <summary>The trainer's and loop's lines (from the training thread): refusals and failures as warnings.</summary>
    private static void LogLine(ILoggingAdapter log, string line)
    {
        if (line.Contains("skipped", StringComparison.Ordinal) || line.Contains("stopped", StringComparison.Ordinal)) log.Warning(line);
        else log.Info(line);
    }

    private void Starting()
    {
        Receive<SetupReady>(ready =>
        {
            _setup = ready.Setup;
            foreach (var w in _setup.Warnings) _log.Warning("learner: {0}", w);
            _pairing = new StepPairing(_setup.ObservationKeys);
            var self = Self;
            var log = Logging.GetLogger(Context.System, "learner");
            _loop = new LearnerLoop(_setup, _settings.Learner.OutputPath(_settings.DataPath), line => LogLine(log, line),
                (version, payload) => self.Tell(new WeightsReady(version, payload)), _settings.Learner.MaxUpdatesPerSecond);
            StartRebuild();
            Become(Rebuilding);
        });
        Receive<SetupFailed>(f => Idle($"the train config {_settings.Learner.ConfigPath} was refused: {f.Reason}"));
        Receive<GetLearnerStatus>(_ => Sender.Tell(Status("starting")));
    }

    private void Idle(string reason, bool error = true)
    {
        _idleReason = reason;
        if (error) _log.Error("learner: idle: {0}", reason);
        else _log.Info("learner: idle: {0}", reason);
        Become(() => Receive<GetLearnerStatus>(_ => Sender.Tell(Status("idle"))));
    }

    /// <summary>Streams the inbox's journal (every step it ever accepted) to this actor, one event at a time, acknowledged.</summary>
    private void StartRebuild()
    {
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        journal.CurrentEventsByPersistenceId(_inboxPersistenceId, 0, long.MaxValue)
            .RunWith(Akka.Streams.Dsl.Sink.ActorRefWithAck<EventEnvelope>(Self, RebuildStarted.Instance, RebuildAck.Instance, RebuildDone.Instance,
                e => new RebuildFailed(e)), Context.System.Materializer());
    }

    private void Rebuilding()
    {
        Receive<RebuildStarted>(_ => Sender.Tell(RebuildAck.Instance));
        Receive<EventEnvelope>(e =>
        {
            if (e.Event is TransitionsReceived received)
            {
                _loop!.Add(_pairing!.Add(received.ProducerId, received.Steps, line => _log.Warning(line)));
                _rebuiltSteps += received.Steps.Count;
            }
            Sender.Tell(RebuildAck.Instance);
        });
        Receive<RebuildDone>(_ => Run());
        Receive<RebuildFailed>(f =>
        {
            // Start over (the singleton manager restarts the learner): a half-replayed buffer must not be continued.
            throw new IOException($"learner: could not read the transition inbox's journal to rebuild the replay buffers: {f.Cause.Message}", f.Cause);
        });
        Receive<GetLearnerStatus>(_ => Sender.Tell(Status("rebuilding")));
        Receive<WeightsReady>(_ => { });
    }

    private void Run()
    {
        _log.Info("learner: replayed {0} journaled steps into the replay buffers; resuming", _rebuiltSteps);
        _loop!.Start();
        _publisher = Context.ActorOf(WeightsPublisher.Props(_settings.Weights), "weights");
        Context.ActorOf(TransitionInbox.Props(_settings.Transitions, Self, _inboxPersistenceId), "transitions");
        Timers.StartPeriodicTimer("progress", PublishProgress.Instance, _settings.Learner.ProgressInterval);
        Become(Running);
    }

    private void Running()
    {
        Receive<TransitionsAccepted>(a => _loop!.Add(_pairing!.Add(a.ProducerId, a.Steps, line => _log.Warning(line))));
        Receive<WeightsReady>(w => _publisher!.Tell(new PublishWeights(w.Version, w.Payload)));
        Receive<PublishProgress>(_ =>
        {
            var s = _loop!.Snapshot;
            DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(LearnerTopics.Progress, new LearnerProgress(
                s.Trainer.OptimizationStep, s.Trainer.UpdatesPerSecond, s.WeightsVersion, s.Trainer.InteractionStep, s.Trainer.OnlineBufferSize,
                s.Trainer.OfflineBufferSize, DateTimeOffset.UtcNow)));
        });
        Receive<GetLearnerStatus>(_ => Sender.Tell(Status(null)));
    }

    private LearnerStatus Status(string? phase)
    {
        if (_loop is null)
            return new LearnerStatus(phase ?? "idle", _idleReason, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<string, double>(), "", 0, null);
        var s = _loop.Snapshot;
        var t = s.Trainer;
        var losses = t.LastMetrics.Where(kv => kv.Key.StartsWith("loss_", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
        return new LearnerStatus(phase ?? s.Phase, s.Problem, t.OptimizationStep, t.InteractionStep, t.UpdatesPerSecond, t.OnlineBufferSize,
            t.OfflineBufferSize, s.OnlineStepBeforeLearning, t.SkippedTransitions, _pairing?.UnpairedSteps ?? 0, t.Temperature, losses,
            s.LastCheckpoint, s.WeightsVersion, s.LastWeightsPush);
    }
}
