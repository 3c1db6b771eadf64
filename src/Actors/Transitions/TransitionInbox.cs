using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Delivery;
using Akka.Event;
using Akka.Persistence;
using RobotActors.Actors.Configuration;

namespace RobotActors.Actors.Transitions;

/// <summary>
/// The learner side's door for transitions (persistent): one ConsumerController per robot, every batch
/// journaled here before it is confirmed, so the learner holds each step exactly once whatever was resent,
/// and its marks, its copy of the steps and the buffer rebuilt from them survive a learner restart. It tells
/// the robots where it is (pub-sub), and each robot resumes from the inbox's mark for it, read from its own
/// session journal: nothing unconfirmed lives only in memory on either side.
/// </summary>
/// <remarks>
/// Created by the learner (it moves with the learner singleton); one inbox per cluster. Its subscriber gets
/// <see cref="TransitionsAccepted"/> for new steps only, after they are durable.
/// </remarks>
public sealed class TransitionInbox : ReceivePersistentActor, IWithTimers
{
    public const string DefaultPersistenceId = "transition-inbox";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TransitionSettings _settings;
    private readonly IActorRef? _subscriber;
    private readonly Dictionary<string, (IActorRef Controller, IActorRef Feeder)> _consumers = new();
    private readonly Dictionary<string, long> _duplicates = new();
    private TransitionInboxState _state = TransitionInboxState.Empty;
    private int _eventsSinceSnapshot;
    private int _incarnation;

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TransitionSettings settings, IActorRef? subscriber = null, string persistenceId = DefaultPersistenceId) =>
        Akka.Actor.Props.Create(() => new TransitionInbox(settings, subscriber, persistenceId));

    public TransitionInbox(TransitionSettings settings, IActorRef? subscriber, string persistenceId)
    {
        _settings = settings;
        _subscriber = subscriber;
        PersistenceId = persistenceId;

        Recover<SnapshotOffer>(o => _state = (TransitionInboxState)o.Snapshot);
        Recover<TransitionsReceived>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            var mediator = DistributedPubSub.Get(Context.System).Mediator;
            mediator.Tell(new Subscribe(TransitionTopics.Inbox, Self));
            Announce();
            Timers.StartPeriodicTimer("announce", Announcement.Instance, TimeSpan.FromSeconds(1));
        });

        Command<Announcement>(_ => Announce());
        Command<SubscribeAck>(_ => { });
        Command<FindTransitionInbox>(f => f.Feeder.Tell(new TransitionInboxAvailable(Self)));
        Command<RegisterTransitionProducer>(Register);
        Command<ConsumerController.Delivery<TransitionBatch>>(Deliver);
        Command<FeederGone>(gone => Drop(gone.ProducerId, gone.Feeder));
        Command<GetTransitionInboxStatus>(_ => Sender.Tell(Status()));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("transition inbox snapshot failed: {0}", f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    private sealed class Announcement
    {
        public static readonly Announcement Instance = new();
    }

    private sealed record FeederGone(string ProducerId, IActorRef Feeder);

    private void Announce() =>
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(TransitionTopics.Producers, new TransitionInboxAvailable(Self)));

    /// <summary>
    /// A robot (new, restarted, or back after a partition) gets a fresh consumer and the inbox's mark for it.
    /// Its previous consumer, if any, is stopped: the robot's new ProducerController starts a new sequence.
    /// </summary>
    private void Register(RegisterTransitionProducer register)
    {
        Drop(register.ProducerId, null);
        var controller = Context.ActorOf(
            ConsumerController.Create<TransitionBatch>(Context, Akka.Util.Option<IActorRef>.None,
                ConsumerController.Settings.Create(Context.System) with { FlowControlWindow = _settings.FlowControlWindow }),
            $"consumer-{Uri.EscapeDataString(register.ProducerId)}-{++_incarnation}");
        controller.Tell(new ConsumerController.Start<TransitionBatch>(Self));
        Context.WatchWith(register.Feeder, new FeederGone(register.ProducerId, register.Feeder));
        _consumers[register.ProducerId] = (controller, register.Feeder);
        var mark = _state.Mark(register.ProducerId);
        _log.Info("transitions: producer {0} connected; it resumes at step {1}", register.ProducerId, mark.NextStepSeqNr);
        register.Feeder.Tell(new TransitionConsumerReady(register.ProducerId, controller, mark.NextStepSeqNr, mark.JournalSeqNr));
    }

    private void Drop(string producerId, IActorRef? onlyFeeder)
    {
        if (!_consumers.TryGetValue(producerId, out var consumer) || (onlyFeeder is not null && !consumer.Feeder.Equals(onlyFeeder))) return;
        Context.Unwatch(consumer.Feeder);
        Context.Stop(consumer.Controller);
        _consumers.Remove(producerId);
    }

    private void Deliver(ConsumerController.Delivery<TransitionBatch> delivery)
    {
        var batch = delivery.Message;
        var confirmTo = delivery.ConfirmTo;
        var fresh = _state.NewPart(batch);
        if (fresh is null)
        {
            _duplicates[batch.ProducerId] = _duplicates.GetValueOrDefault(batch.ProducerId) + batch.Steps.Count;
            confirmTo.Tell(ConsumerController.Confirmed.Instance);
            return;
        }
        var expected = _state.Mark(batch.ProducerId).NextStepSeqNr;
        if (fresh.FirstStepSeqNr > expected)
            _log.Error("transitions: producer {0} skipped steps {1}..{2}; they are missing from the learner", batch.ProducerId, expected, fresh.FirstStepSeqNr - 1);
        if (fresh.FirstStepSeqNr > batch.FirstStepSeqNr)
            _duplicates[batch.ProducerId] = _duplicates.GetValueOrDefault(batch.ProducerId) + (fresh.FirstStepSeqNr - batch.FirstStepSeqNr);

        Persist(fresh, received =>
        {
            _state = _state.Apply(received);
            confirmTo.Tell(ConsumerController.Confirmed.Instance);
            _subscriber?.Tell(new TransitionsAccepted(received.ProducerId, received.FirstStepSeqNr, received.Steps));
            if (++_eventsSinceSnapshot >= 100)
            {
                SaveSnapshot(_state);
                _eventsSinceSnapshot = 0;
            }
        });
    }

    private TransitionInboxStatus Status() => new(_state.Marks.Keys.Union(_consumers.Keys).Order(StringComparer.Ordinal)
        .Select(p => new TransitionProducerStatus(p, _state.Mark(p).NextStepSeqNr, _duplicates.GetValueOrDefault(p), _state.Mark(p).MissingSteps, _consumers.ContainsKey(p)))
        .ToList());
}
