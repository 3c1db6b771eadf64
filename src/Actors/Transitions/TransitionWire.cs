using RobotActors.Actors.Protocol;
using RobotActors.Actors.Protocol.Wire;

namespace RobotActors.Actors.Transitions;

/// <summary>Manifests and codecs of the transition feed and the inbox's journal.</summary>
internal sealed class TransitionWire : IWireFamily
{
    public void Register(WireFormat format) => format
        .Add("ra.transitions.batch.v1", (w, m) => WriteSteps(w, m.ProducerId, m.FirstStepSeqNr, m.JournalSeqNr, m.Steps),
            r => new TransitionBatch(r.String(), r.Long(), r.Long(), r.List(StepCodec.Read)))
        .Add("ra.transitions.inbox-available.v1", (w, m) => w.ActorRef(m.Inbox), r => new TransitionInboxAvailable(r.ActorRef()))
        .Add("ra.transitions.find-inbox.v1", (w, m) => w.ActorRef(m.Feeder), r => new FindTransitionInbox(r.ActorRef()))
        .Add("ra.transitions.register-producer.v1", (w, m) =>
        {
            w.String(m.ProducerId);
            w.ActorRef(m.Feeder);
        }, r => new RegisterTransitionProducer(r.String(), r.ActorRef()))
        .Add("ra.transitions.consumer-ready.v1", (w, m) =>
        {
            w.String(m.ProducerId);
            w.ActorRef(m.ConsumerController);
            w.Long(m.NextStepSeqNr);
            w.Long(m.JournalSeqNr);
        }, r => new TransitionConsumerReady(r.String(), r.ActorRef(), r.Long(), r.Long()))
        .AddSingleton("ra.transitions.get-inbox-status.v1", GetTransitionInboxStatus.Instance)
        .Add("ra.transitions.inbox-status.v1", (w, m) => w.List(m.Producers, (w2, p) =>
        {
            w2.String(p.ProducerId);
            w2.Long(p.NextStepSeqNr);
            w2.Long(p.Duplicates);
            w2.Long(p.MissingSteps);
            w2.Bool(p.Connected);
        }), r => new TransitionInboxStatus(r.List(r2 => new TransitionProducerStatus(r2.String(), r2.Long(), r2.Long(), r2.Long(), r2.Bool()))))
        // The inbox's journal: the learner's durable copy of every accepted step, and its marks.
        .Add("ra.transitions.received.v1", (w, e) => WriteSteps(w, e.ProducerId, e.FirstStepSeqNr, e.JournalSeqNr, e.Steps),
            r => new TransitionsReceived(r.String(), r.Long(), r.Long(), r.List(StepCodec.Read)))
        .Add("ra.transitions.inbox-snapshot.v1", (w, s) => w.Map(s.Marks, (w2, m) =>
        {
            w2.Long(m.NextStepSeqNr);
            w2.Long(m.JournalSeqNr);
            w2.Long(m.MissingSteps);
        }), r => new TransitionInboxState(System.Collections.Immutable.ImmutableDictionary.CreateRange(
            r.Map(r2 => new ProducerMark(r2.Long(), r2.Long(), r2.Long())))));

    /// <summary>A run of one producer's steps: the layout of a batch on the wire and of its copy in the inbox's journal.</summary>
    private static void WriteSteps(WireWriter w, string producerId, long firstStepSeqNr, long journalSeqNr, IReadOnlyList<StepRecord> steps)
    {
        w.String(producerId);
        w.Long(firstStepSeqNr);
        w.Long(journalSeqNr);
        w.List(steps, StepCodec.Write);
    }
}
