using Akka.Actor;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Transitions;

// How steps travel from each robot's session journal to the learner's transition inbox: small batches over
// Akka's reliable delivery (a ProducerController on the robot, a ConsumerController per robot at the inbox),
// flow-controlled by the consumer's window, chunked below the frame size. The robot and the inbox find each
// other through distributed pub-sub topics, with small messages only; batches go straight between them.

public static class TransitionTopics
{
    /// <summary>Robots' feeders listen here for the inbox's announcements.</summary>
    public const string Producers = "ra.transitions.producers";

    /// <summary>The inbox listens here for feeders looking for it.</summary>
    public const string Inbox = "ra.transitions.inbox";
}

/// <summary>
/// Consecutive steps of one producer (a robot's session journal): steps FirstStepSeqNr onward, all from the
/// journal event at JournalSeqNr. The inbox dedupes on (ProducerId, step sequence number).
/// </summary>
public sealed record TransitionBatch(string ProducerId, long FirstStepSeqNr, long JournalSeqNr, IReadOnlyList<StepRecord> Steps) : IProtocolMessage
{
    public long NextStepSeqNr => FirstStepSeqNr + Steps.Count;
}

/// <summary>The inbox is here (published on <see cref="TransitionTopics.Producers"/> every second and when asked).</summary>
public sealed record TransitionInboxAvailable(IActorRef Inbox) : IProtocolMessage;

/// <summary>A feeder looking for the inbox (published on <see cref="TransitionTopics.Inbox"/>).</summary>
public sealed record FindTransitionInbox(IActorRef Feeder) : IProtocolMessage;

/// <summary>A robot's feeder asks the inbox for a consumer of its steps.</summary>
public sealed record RegisterTransitionProducer(string ProducerId, IActorRef Feeder) : IProtocolMessage;

/// <summary>
/// The inbox's consumer for this producer, and where to resume: the inbox holds every step before
/// NextStepSeqNr; the step after it is in the journal event at JournalSeqNr or later.
/// </summary>
public sealed record TransitionConsumerReady(string ProducerId, IActorRef ConsumerController, long NextStepSeqNr, long JournalSeqNr) : IProtocolMessage;

public sealed class GetTransitionInboxStatus : IProtocolMessage
{
    public static readonly GetTransitionInboxStatus Instance = new();
    private GetTransitionInboxStatus() { }
}

/// <summary>Per producer: steps held (the next expected step), duplicates dropped, gaps seen.</summary>
public sealed record TransitionProducerStatus(string ProducerId, long NextStepSeqNr, long Duplicates, long MissingSteps, bool Connected);

public sealed record TransitionInboxStatus(IReadOnlyList<TransitionProducerStatus> Producers) : IProtocolMessage;

/// <summary>
/// Told to the inbox's subscriber (the replay buffer's owner) for every batch once it is durable at the
/// learner: new steps only, in order per producer, each exactly once.
/// </summary>
public sealed record TransitionsAccepted(string ProducerId, long FirstStepSeqNr, IReadOnlyList<StepRecord> Steps);
