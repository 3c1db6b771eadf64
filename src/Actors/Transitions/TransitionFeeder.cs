using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Delivery;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;

namespace RobotActors.Actors.Transitions;

/// <summary>
/// Feeds a robot's durable steps to the learner's <see cref="TransitionInbox"/> through a ProducerController,
/// in small batches, as fast as the inbox confirms them. It keeps only a small tail of recent batches in
/// memory; anything older (the learner was away, or it restarted) is read back from the session journal,
/// so what is unconfirmed is always durable and the robot's memory stays bounded however long the learner
/// is gone.
/// </summary>
/// <remarks>
/// Resuming: every time the feeder connects (the inbox restarted, the robot restarted, a partition healed)
/// it starts a fresh ProducerController positioned at the inbox's durable mark for this robot. It uses no
/// EventSourcedProducerQueue: the robot's session journal already holds every step and the inbox holds the
/// confirmed position, so a restarted producer never loads a "queue with everything confirmed" — the state
/// in which Akka.NET 1.5.74's ProducerController stops delivering (workcell-and-runtime-facts §3.2 item 5).
/// A child of the <see cref="SessionActor"/>, told of every durable batch.
/// </remarks>
public sealed class TransitionFeeder : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TransitionSettings _settings;
    private readonly string _producerId;
    private readonly LinkedList<StepsDurable> _tail = new();
    private long _tailBytes;
    private long _durableSteps = -1;
    private long _journalEnd;
    private IActorRef? _inbox, _consumer, _producer;
    private ProducerController.RequestNext<TransitionBatch>? _demand;
    private long _nextStep;
    private long _readFrom;
    private readonly Queue<TransitionBatch> _readBack = new();
    private bool _reading;
    private int _incarnation;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="producerId">The session's persistence id: the journal the feeder reads, and its name at the inbox.</param>
    public static Props Props(string producerId, TransitionSettings settings) =>
        Akka.Actor.Props.Create(() => new TransitionFeeder(producerId, settings));

    public TransitionFeeder(string producerId, TransitionSettings settings)
    {
        _producerId = producerId;
        _settings = settings;

        Receive<SessionRecovered>(r =>
        {
            (_durableSteps, _journalEnd) = (r.DurableSteps, r.JournalSeqNr);
            if (_inbox is not null && _consumer is null) _inbox.Tell(new RegisterTransitionProducer(_producerId, Self)); // heard of it while recovering
        });
        Receive<StepsDurable>(Durable);
        Receive<TransitionInboxAvailable>(Available);
        Receive<SubscribeAck>(_ => { });
        Receive<TransitionConsumerReady>(Ready);
        Receive<ProducerController.RequestNext<TransitionBatch>>(next =>
        {
            if (!next.SendNextTo.Equals(_producer)) return; // from a producer controller already replaced
            _demand = next;
            TrySend();
        });
        Receive<ConsumerGone>(gone =>
        {
            if (!gone.Consumer.Equals(_consumer)) return;
            _log.Warning("transitions: {0} lost the learner's inbox; steps stay in the journal until it is back", _producerId);
            Disconnect();
            WatchForMissingLearner();
        });
        Receive<ProducerGone>(gone =>
        {
            if (!gone.Producer.Equals(_producer)) return;
            // A failed producer controller is not restarted in place (it would start a new sequence behind the
            // consumer's back): connect again, from the inbox's mark.
            _log.Warning("transitions: {0}'s producer controller stopped; reconnecting to the learner", _producerId);
            Disconnect();
            _inbox?.Tell(new RegisterTransitionProducer(_producerId, Self));
        });
        Receive<ReadBack>(ReadDone);
        Receive<Status.Failure>(f =>
        {
            _reading = false;
            _log.Warning("transitions: {0} could not read its journal ({1}); retrying", _producerId, f.Cause.Message);
            Timers.StartSingleTimer("retry-read", RetryRead.Instance, TimeSpan.FromSeconds(1));
        });
        Receive<RetryRead>(_ => TrySend());
        Receive<LearnerMissing>(_ =>
        {
            if (_consumer is not null) return;
            _log.Warning("transitions: {0} has had no learner to send to for {1:F0} s; its steps stay in the journal ({2} not yet sent) " +
                "until one takes them. Is a node with role \"learner\" up, with its train config accepted? " +
                "`robotactors console --contact <a node> learner status` tells",
                _producerId, _settings.LearnerMissingWarning.TotalSeconds, Math.Max(0, _durableSteps - _nextStep));
        });
        Receive<GetFeederStatus>(_ => Sender.Tell(new FeederStatus(_producerId, _consumer is not null, _nextStep, _durableSteps, _tail.Count, _tailBytes)));
    }

    private sealed record ConsumerGone(IActorRef Consumer);

    private sealed record ProducerGone(IActorRef Producer);

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private sealed record ReadBack(long ForStep, IReadOnlyList<TransitionBatch> Batches);

    private sealed class RetryRead
    {
        public static readonly RetryRead Instance = new();
    }

    private sealed class LearnerMissing
    {
        public static readonly LearnerMissing Instance = new();
    }

    /// <summary>Says once, after a while, that no learner is there: a robot node started without one otherwise journals in silence.</summary>
    private void WatchForMissingLearner() =>
        Timers.StartSingleTimer(nameof(LearnerMissing), LearnerMissing.Instance, _settings.LearnerMissingWarning);

    protected override void PreStart()
    {
        var mediator = DistributedPubSub.Get(Context.System).Mediator;
        mediator.Tell(new Subscribe(TransitionTopics.Producers, Self));
        mediator.Tell(new Publish(TransitionTopics.Inbox, new FindTransitionInbox(Self)));
        WatchForMissingLearner();
    }

    private void Available(TransitionInboxAvailable available)
    {
        if (_consumer is not null && available.Inbox.Equals(_inbox)) return;
        _inbox = available.Inbox;
        if (_durableSteps < 0) return; // the session has not recovered yet; it registers once it has
        available.Inbox.Tell(new RegisterTransitionProducer(_producerId, Self));
    }

    private void Ready(TransitionConsumerReady ready)
    {
        Disconnect();
        if (ready.NextStepSeqNr > _durableSteps)
            _log.Error("transitions: the learner holds {0} steps of {1} but this robot's journal only {2}; was the robot's journal replaced?",
                ready.NextStepSeqNr, _producerId, _durableSteps);
        _inbox = Sender;
        _consumer = ready.ConsumerController;
        Timers.Cancel(nameof(LearnerMissing));
        Context.WatchWith(_consumer, new ConsumerGone(_consumer));
        (_nextStep, _readFrom) = (ready.NextStepSeqNr, ready.JournalSeqNr);
        var settings = ProducerController.Settings.Create(Context.System) with { ChunkLargeMessagesBytes = (int)_settings.ChunkBytes };
        _producer = Context.ActorOf(ProducerController.Create<TransitionBatch>(Context, _producerId, Akka.Util.Option<Props>.None, settings),
            $"producer-{++_incarnation}");
        Context.WatchWith(_producer, new ProducerGone(_producer));
        _producer.Tell(new ProducerController.Start<TransitionBatch>(Self));
        _producer.Tell(new ProducerController.RegisterConsumer<TransitionBatch>(_consumer));
        _log.Info("transitions: {0} connected to the learner; sending from step {1} of {2}", _producerId, _nextStep, _durableSteps);
    }

    private void Disconnect()
    {
        if (_consumer is not null) Context.Unwatch(_consumer);
        if (_producer is not null)
        {
            Context.Unwatch(_producer);
            Context.Stop(_producer);
        }
        (_consumer, _producer, _demand) = (null, null, null);
        _readBack.Clear();
    }

    private void Durable(StepsDurable durable)
    {
        _durableSteps = durable.Steps.FirstStepSeqNr + durable.Steps.Steps.Count;
        _journalEnd = durable.JournalSeqNr;
        _tail.AddLast(durable);
        _tailBytes += Bytes(durable.Steps);
        while (_tail.Count > 1 && _tailBytes > _settings.TailCacheBytes)
        {
            _tailBytes -= Bytes(_tail.First!.Value.Steps);
            _tail.RemoveFirst();
        }
        TrySend();
    }

    private static long Bytes(StepsRecorded steps) => steps.Steps.Sum(s => s.ByteCount);

    /// <summary>Sends the next batch if the producer asked for one and the feeder has it (from the tail, or read back from the journal).</summary>
    private void TrySend()
    {
        if (_demand is null || _nextStep >= _durableSteps) return;
        var batch = FromReadBack() ?? FromTail();
        if (batch is null)
        {
            ReadJournal();
            return;
        }
        _demand.SendNextTo.Tell(batch);
        _demand = null;
        _nextStep = batch.NextStepSeqNr;
        _readFrom = batch.JournalSeqNr;
    }

    private TransitionBatch? FromReadBack()
    {
        while (_readBack.Count > 0 && _readBack.Peek().NextStepSeqNr <= _nextStep) _readBack.Dequeue();
        // A read-back event stays at the head until all its steps are sent (a batch may take only part of it).
        return _readBack.Count > 0 && _readBack.Peek().FirstStepSeqNr <= _nextStep ? Slice(_readBack.Peek(), _nextStep) : null;
    }

    private TransitionBatch? FromTail()
    {
        foreach (var durable in _tail)
        {
            var steps = durable.Steps;
            if (steps.FirstStepSeqNr <= _nextStep && _nextStep < steps.FirstStepSeqNr + steps.Steps.Count)
                return Batch(durable.JournalSeqNr, steps, _nextStep);
        }
        return null;
    }

    /// <summary>The steps of one journal event from <paramref name="from"/>, cut to max-batch-bytes (at least one step).</summary>
    private TransitionBatch Batch(long journalSeqNr, StepsRecorded steps, long from)
    {
        var take = new List<StepRecord>();
        long bytes = 0;
        for (var i = (int)(from - steps.FirstStepSeqNr); i < steps.Steps.Count; i++)
        {
            var size = steps.Steps[i].ByteCount;
            if (take.Count > 0 && bytes + size > _settings.MaxBatchBytes) break;
            take.Add(steps.Steps[i]);
            bytes += size;
        }
        return new TransitionBatch(_producerId, from, journalSeqNr, take);
    }

    private TransitionBatch Slice(TransitionBatch batch, long from) =>
        Batch(batch.JournalSeqNr, new StepsRecorded(batch.FirstStepSeqNr, batch.Steps), from);

    /// <summary>Reads a few journal events from the last known position, in the background; the answer comes back as a message.</summary>
    private void ReadJournal()
    {
        if (_reading) return;
        _reading = true;
        var forStep = _nextStep;
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var maxEvents = Math.Max(1, _settings.FlowControlWindow);
        journal.CurrentEventsByPersistenceId(_producerId, Math.Max(1, _readFrom), _journalEnd)
            .Where(e => e.Event is StepsRecorded s && s.FirstStepSeqNr + s.Steps.Count > forStep)
            .Take(maxEvents)
            .Select(e => new TransitionBatch(_producerId, ((StepsRecorded)e.Event).FirstStepSeqNr, e.SequenceNr, ((StepsRecorded)e.Event).Steps))
            .RunWith(Sink.Seq<TransitionBatch>(), Context.System.Materializer())
            .PipeTo(Self, success: batches => new ReadBack(forStep, batches));
    }

    private void ReadDone(ReadBack read)
    {
        _reading = false;
        if (read.ForStep != _nextStep) { TrySend(); return; } // reconnected meanwhile; read again from the new position
        _readBack.Clear();
        foreach (var batch in read.Batches) _readBack.Enqueue(batch);
        if (read.Batches.Count == 0)
        {
            _log.Error("transitions: step {0} of {1} is not in its journal (events {2}..{3}); it cannot be sent", _nextStep, _producerId, _readFrom, _journalEnd);
            return;
        }
        TrySend();
    }
}

public sealed class GetFeederStatus
{
    public static readonly GetFeederStatus Instance = new();
    private GetFeederStatus() { }
}

/// <summary>A feeder's view: whether the learner is connected, the next step it will send, the durable steps, its in-memory tail.</summary>
public sealed record FeederStatus(string ProducerId, bool Connected, long NextStep, long DurableSteps, int TailBatches, long TailBytes);
