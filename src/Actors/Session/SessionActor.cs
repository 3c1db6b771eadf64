using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Akka.Persistence;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Session;

/// <summary>
/// A robot's session journal (persistent, one per robot): sessions, episodes, their steps, interventions
/// and the policy versions applied. The control loop sends each step as it happens and never waits: steps
/// are written in batches (group commit: a batch goes to the journal as soon as the previous write is
/// done, so under load batches grow and when idle a step is written at once), and every durable batch is
/// acknowledged to its sender as a high-water mark. After a crash, an episode that was open is ended as
/// Interrupted (a truncation) and a running session is marked resumed; the next episode follows.
/// </summary>
/// <remarks>
/// The state is a pure function of the events (<see cref="SessionState.Apply"/>). Events are applied when
/// they are handed to the journal, so commands see the state they will find after the write; a failed or
/// rejected write stops the actor, and the restart recovers the state from what the journal holds.
/// Supervise it with Backoff.OnStop (see <see cref="Supervised"/>).
/// </remarks>
public sealed class SessionActor : ReceivePersistentActor
{
    public const string Name = "session";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SessionSettings _settings;
    private readonly Props? _feederProps;
    private readonly List<(StepRecord Step, IActorRef Sender)> _pending = [];
    private SessionState _state;
    private IActorRef? _feeder;
    private int _stepWritesInFlight;
    private int _writesInFlight;
    private int _eventsSinceSnapshot;
    private long _durableSteps;
    private long _lateSteps;
    private double _maxTickToDurableMs;

    public override string PersistenceId { get; }

    public static string PersistenceIdFor(string robotId) => "session-" + robotId;

    /// <param name="feeder">The robot's transition feeder, started as a child and told of every durable batch; none without a learner.</param>
    public static Props Props(string robotId, SessionSettings settings, Props? feeder = null) =>
        Akka.Actor.Props.Create(() => new SessionActor(robotId, settings, feeder));

    /// <summary>
    /// The session under a backoff supervisor: a journal failure stops a persistent actor, and restarting it at
    /// once would hammer a journal that is already in trouble.
    /// </summary>
    public static Props Supervised(string robotId, SessionSettings settings, Props? feeder = null) =>
        BackoffSupervisor.Props(Backoff.OnStop(Props(robotId, settings, feeder), Name, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), 0.2, maxNrOfRetries: -1));

    public SessionActor(string robotId, SessionSettings settings, Props? feeder)
    {
        PersistenceId = PersistenceIdFor(robotId);
        _settings = settings;
        _feederProps = feeder;
        _state = SessionState.Empty(robotId);

        Recover<SnapshotOffer>(offer => _state = (SessionState)offer.Snapshot);
        Recover<ISessionEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => Recovered());

        Command<RecordStep>(Record);
        Command<StartSession>(Start);
        Command<StopSession>(Stop);
        Command<StartEpisode>(OpenEpisode);
        Command<EndEpisode>(EndEpisode);
        Command<RecordPolicyVersion>(PolicyVersion);
        Command<GetSessionStatus>(_ => Sender.Tell(Status()));
        Command<GetSessionHistory>(_ => Sender.Tell(new SessionHistory(RobotId, _state.Sessions)));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("robot {0}: session snapshot failed ({1}); recovery replays more events", RobotId, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    private string RobotId => _state.RobotId;

    protected override void PreStart()
    {
        if (_feederProps is not null) _feeder = Context.ActorOf(_feederProps, "transitions");
    }

    private void Recovered()
    {
        _durableSteps = _state.StepCount;
        _feeder?.Tell(new SessionRecovered(PersistenceId, LastSequenceNr, _durableSteps));
        var events = new List<ISessionEvent>();
        var now = DateTimeOffset.UtcNow;
        if (_state.Open is { } open)
        {
            _log.Warning("robot {0}: episode {1} was interrupted after {2} durable steps (crash or restart); it is ended as truncated", RobotId, open.Episode, open.Length);
            events.Add(_state.EndOpen(EpisodeOutcome.Interrupted, now));
        }
        if (_state.Current is { } session)
        {
            _log.Info("robot {0}: session {1} ({2}) resumes with episode {3}", RobotId, session.Session, session.Task, _state.NextEpisode);
            events.Add(new SessionResumed(session.Session, now));
        }
        if (events.Count > 0) Append(events, null);
    }

    private void Record(RecordStep m)
    {
        var step = m.Step;
        var refusal = _state.Open switch
        {
            null => $"no episode is open on robot {RobotId}; send StartEpisode first (step {step.Index} of episode {step.Episode} was not recorded)",
            { } o when o.Episode != step.Episode => $"step of episode {step.Episode} sent while episode {o.Episode} is open; it was not recorded",
            { } o when step.Index != o.Length + _pending.Count => $"step {step.Index} of episode {step.Episode} is out of order: expected step {o.Length + _pending.Count}; it was not recorded",
            _ when _pending.Count >= _settings.MaxPendingSteps => $"the journal is not keeping up ({_pending.Count} steps waiting, robotactors.session.max-pending-steps); step {step.Index} was not recorded",
            _ => null,
        };
        if (refusal is not null)
        {
            Sender.Tell(new SessionCommandRefused(RobotId, refusal));
            return;
        }
        _pending.Add((step, Sender));
        if (_stepWritesInFlight == 0 || _pending.Count >= _settings.MaxBatchSteps) Append([], null);
    }

    private void Start(StartSession m)
    {
        if (_state.Current is { } running)
        {
            Sender.Tell(new SessionCommandRefused(RobotId, $"session {running.Session} ({running.Task}) is already running on robot {RobotId}; stop it first"));
            return;
        }
        if (m.Fps <= 0 || string.IsNullOrWhiteSpace(m.Task))
        {
            Sender.Tell(new SessionCommandRefused(RobotId, $"a session needs a task and a positive fps (got task '{m.Task}', fps {m.Fps})"));
            return;
        }
        var sender = Sender;
        var number = _state.Sessions.Count == 0 ? 1 : _state.Sessions[^1].Session + 1;
        Append([new SessionStarted(number, RobotId, m.Task, m.Fps, DateTimeOffset.UtcNow)], () => sender.Tell(Status()));
    }

    private void Stop(StopSession m)
    {
        if (_state.Current is not { } running)
        {
            Sender.Tell(new SessionCommandRefused(RobotId, $"no session is running on robot {RobotId}"));
            return;
        }
        var sender = Sender;
        var now = DateTimeOffset.UtcNow;
        var events = new List<ISessionEvent>();
        if (_state.Open is not null) events.Add(EndAfterPending(EpisodeOutcome.Interrupted, now));
        events.Add(new SessionStopped(running.Session, now));
        Append(events, () => sender.Tell(Status()));
    }

    private void OpenEpisode(StartEpisode m)
    {
        var refusal = (_state.Current, _state.Open) switch
        {
            (null, _) => $"no session is running on robot {RobotId}; start one first",
            (_, { } open) => $"episode {open.Episode} is still open on robot {RobotId}; end it first",
            _ => null,
        };
        if (refusal is not null)
        {
            Sender.Tell(new SessionCommandRefused(RobotId, refusal));
            return;
        }
        var sender = Sender;
        var started = new EpisodeStarted(_state.NextEpisode, _state.Current!.Session, _state.PolicyVersion, DateTimeOffset.UtcNow);
        Append([started], () => sender.Tell(new EpisodeOpened(RobotId, started.Session, started.Episode)));
    }

    private void EndEpisode(EndEpisode m)
    {
        if (_state.Open is not { } open || open.Episode != m.Episode)
        {
            Sender.Tell(new SessionCommandRefused(RobotId, _state.Open is null
                ? $"episode {m.Episode} is not open on robot {RobotId} (no episode is)"
                : $"episode {m.Episode} is not open on robot {RobotId}; episode {_state.Open.Episode} is"));
            return;
        }
        var sender = Sender;
        var ended = EndAfterPending(m.Outcome, DateTimeOffset.UtcNow);
        Append([ended], () => sender.Tell(new EpisodeClosed(RobotId, _state.Episodes.Last(e => e.Episode == ended.Episode))));
    }

    private void PolicyVersion(RecordPolicyVersion m) =>
        Append([new PolicyVersionApplied(m.Version, m.Episode, m.StepIndex, DateTimeOffset.UtcNow)], null);

    /// <summary>Ends the open episode counting the steps still waiting for the journal, which are written first.</summary>
    private EpisodeEnded EndAfterPending(EpisodeOutcome outcome, DateTimeOffset at)
    {
        var o = _state.Open!;
        var steps = _pending.Select(p => p.Step).ToList();
        var length = o.Length + steps.Count;
        var intervened = o.InterventionSteps + steps.Count(s => s.Intervention);
        return new EpisodeEnded(o.Episode, outcome, o.Return + steps.Sum(s => (double)s.Reward), length, length == 0 ? 0 : (double)intervened / length, at);
    }

    /// <summary>
    /// Hands events to the journal in one write, after the steps still waiting (so the journal keeps the order
    /// in which things happened). <paramref name="onDurable"/> runs once all of them are durable.
    /// </summary>
    private void Append(IReadOnlyList<ISessionEvent> events, Action? onDurable)
    {
        var all = new List<ISessionEvent>();
        var senders = new Dictionary<StepsRecorded, List<(StepRecord Step, IActorRef Sender)>>(ReferenceEqualityComparer.Instance);
        var steps = _pending.Count > 0;
        // Steps go in events of at most max-batch-steps, so one journal row (and what is read back of it) stays small.
        foreach (var chunk in _pending.Chunk(_settings.MaxBatchSteps))
        {
            var recorded = new StepsRecorded(_state.StepCount, chunk.Select(p => p.Step).ToList());
            all.AddRange(InterventionMarks(recorded));
            all.Add(recorded);
            _state = _state.Apply(recorded);
            senders[recorded] = [.. chunk];
        }
        _pending.Clear();
        if (steps) _stepWritesInFlight++;
        all.AddRange(events);
        if (all.Count == 0) return;

        foreach (var e in all.Where(e => e is not StepsRecorded)) _state = _state.Apply(e);
        _writesInFlight++;
        var remaining = all.Count;
        PersistAllAsync(all, e =>
        {
            _eventsSinceSnapshot++;
            if (e is StepsRecorded recorded) StepsDurable(recorded, senders[recorded]);
            if (--remaining > 0) return;
            _writesInFlight--;
            if (steps) _stepWritesInFlight--;
            onDurable?.Invoke();
            AfterWrite();
        });
    }

    /// <summary>An intervention mark wherever a step's intervention flag differs from the step before it.</summary>
    private IEnumerable<InterventionMarked> InterventionMarks(StepsRecorded recorded)
    {
        var intervening = _state.Open?.Intervening ?? false;
        foreach (var step in recorded.Steps)
        {
            if (step.Intervention != intervening) yield return new InterventionMarked(step.Episode, step.Index, step.Intervention, step.TickTime);
            intervening = step.Intervention;
        }
    }

    private void StepsDurable(StepsRecorded recorded, List<(StepRecord Step, IActorRef Sender)> batch)
    {
        _durableSteps = recorded.FirstStepSeqNr + recorded.Steps.Count;
        var now = DateTimeOffset.UtcNow;
        foreach (var (step, _) in batch)
        {
            var ms = (now - step.TickTime).TotalMilliseconds;
            if (ms > _maxTickToDurableMs) _maxTickToDurableMs = ms;
            if (ms > _settings.DurabilityDeadline.TotalMilliseconds) _lateSteps++;
        }
        foreach (var group in batch.GroupBy(p => p.Sender))
        {
            var last = group.Last().Step;
            group.Key.Tell(new StepsAcknowledged(RobotId, last.Episode, last.Index, _durableSteps));
        }
        _feeder?.Tell(new StepsDurable(PersistenceId, LastSequenceNr, recorded));
    }

    private void AfterWrite()
    {
        if (_pending.Count > 0 && _stepWritesInFlight == 0) Append([], null);
        // A snapshot only when nothing is in flight, so the state it saves is exactly the journal's up to LastSequenceNr.
        if (_writesInFlight == 0 && _eventsSinceSnapshot >= _settings.SnapshotEvery)
        {
            SaveSnapshot(_state);
            _eventsSinceSnapshot = 0;
        }
    }

    private SessionStatus Status()
    {
        var (successRate, interventionRate, _) = _state.Recent();
        var current = _state.Current;
        return new SessionStatus(RobotId, current is not null, current?.Session, current?.Task, _state.Open?.Episode,
            (_state.Open?.Length ?? 0) + _pending.Count, _state.Episodes.Count(), successRate, interventionRate, _state.PolicyVersion,
            _durableSteps, _pending.Count + (int)(_state.StepCount - _durableSteps), _lateSteps, Math.Round(_maxTickToDurableMs, 1));
    }

    /// <summary>A rejected write (e.g. an event the serializer refuses) must not leave the state ahead of the journal.</summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        throw new InvalidOperationException($"robot {RobotId}: the journal rejected {@event.GetType().Name} #{sequenceNr}: {cause.Message}", cause);
    }
}

/// <summary>A batch of steps is durable in the session journal at this journal sequence number (robot-local).</summary>
public sealed record StepsDurable(string PersistenceId, long JournalSeqNr, StepsRecorded Steps);

/// <summary>The session has recovered: its journal ends at this sequence number and holds this many steps (robot-local).</summary>
public sealed record SessionRecovered(string PersistenceId, long JournalSeqNr, long DurableSteps);
