using System.Collections.Immutable;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Transitions;

/// <summary>A batch the inbox accepted: the learner's own durable copy of those steps, and its dedupe mark.</summary>
public sealed record TransitionsReceived(string ProducerId, long FirstStepSeqNr, long JournalSeqNr, IReadOnlyList<StepRecord> Steps) : IJournaled
{
    public long NextStepSeqNr => FirstStepSeqNr + Steps.Count;
}

/// <summary>Where one producer stands at the inbox: the next step it expects, and the robot journal event holding it (or a later one).</summary>
public sealed record ProducerMark(long NextStepSeqNr, long JournalSeqNr, long MissingSteps);

/// <summary>The inbox's dedupe marks, a pure function of its events; also its snapshot.</summary>
public sealed record TransitionInboxState(ImmutableDictionary<string, ProducerMark> Marks) : IJournaled
{
    public static readonly TransitionInboxState Empty = new(ImmutableDictionary<string, ProducerMark>.Empty);

    public ProducerMark Mark(string producerId) => Marks.GetValueOrDefault(producerId) ?? new ProducerMark(0, 0, 0);

    public TransitionInboxState Apply(TransitionsReceived e)
    {
        var mark = Mark(e.ProducerId);
        var missing = Math.Max(0, e.FirstStepSeqNr - mark.NextStepSeqNr);
        return new(Marks.SetItem(e.ProducerId, new ProducerMark(e.NextStepSeqNr, e.JournalSeqNr, mark.MissingSteps + missing)));
    }

    /// <summary>
    /// The part of a batch the inbox does not hold yet (null when it holds all of it): the dedupe on
    /// (producer, step sequence number) that makes at-least-once delivery exactly-once.
    /// </summary>
    public TransitionsReceived? NewPart(TransitionBatch batch)
    {
        var next = Mark(batch.ProducerId).NextStepSeqNr;
        if (batch.NextStepSeqNr <= next) return null;
        var skip = (int)Math.Max(0, next - batch.FirstStepSeqNr);
        return new TransitionsReceived(batch.ProducerId, batch.FirstStepSeqNr + skip, batch.JournalSeqNr, batch.Steps.Skip(skip).ToList());
    }
}
