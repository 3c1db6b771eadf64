using RobotActors.Actors.Protocol;
using RobotActors.Actors.Protocol.Wire;

namespace RobotActors.Actors.Session;

/// <summary>Manifests and codecs of the session journal's events, its snapshot, and the session protocol.</summary>
internal sealed class SessionWire : IWireFamily
{
    public void Register(WireFormat format) => format
        // Journal events and snapshot: these manifests are in journals on disk and must never change.
        .Add("ra.session.started.v1", (w, e) =>
        {
            w.Int(e.Session);
            w.String(e.RobotId);
            w.String(e.Task);
            w.Int(e.Fps);
            w.Time(e.At);
        }, r => new SessionStarted(r.Int(), r.String(), r.String(), r.Int(), r.Time()))
        .Add("ra.session.resumed.v1", (w, e) =>
        {
            w.Int(e.Session);
            w.Time(e.At);
        }, r => new SessionResumed(r.Int(), r.Time()))
        .Add("ra.session.stopped.v1", (w, e) =>
        {
            w.Int(e.Session);
            w.Time(e.At);
        }, r => new SessionStopped(r.Int(), r.Time()))
        .Add("ra.session.episode-started.v1", (w, e) =>
        {
            w.Int(e.Episode);
            w.Int(e.Session);
            w.Long(e.PolicyVersion);
            w.Time(e.At);
        }, r => new EpisodeStarted(r.Int(), r.Int(), r.Long(), r.Time()))
        .Add("ra.session.steps-recorded.v1", (w, e) =>
        {
            w.Long(e.FirstStepSeqNr);
            w.List(e.Steps, StepCodec.Write);
        }, r => new StepsRecorded(r.Long(), r.List(StepCodec.Read)))
        .Add("ra.session.intervention-marked.v1", (w, e) =>
        {
            w.Int(e.Episode);
            w.Int(e.StepIndex);
            w.Bool(e.On);
            w.Time(e.At);
        }, r => new InterventionMarked(r.Int(), r.Int(), r.Bool(), r.Time()))
        .Add("ra.session.episode-ended.v1", (w, e) =>
        {
            w.Int(e.Episode);
            w.Enum(e.Outcome);
            w.Double(e.Return);
            w.Int(e.Length);
            w.Double(e.InterventionRate);
            w.Time(e.At);
        }, r => new EpisodeEnded(r.Int(), r.Enum<EpisodeOutcome>(), r.Double(), r.Int(), r.Double(), r.Time()))
        .Add("ra.session.policy-version-applied.v1", (w, e) =>
        {
            w.Long(e.Version);
            w.Int(e.Episode);
            w.Int(e.StepIndex);
            w.Time(e.At);
        }, r => new PolicyVersionApplied(r.Long(), r.Int(), r.Int(), r.Time()))
        .Add("ra.session.snapshot.v1", WriteState, ReadState)
        // The protocol with the control loop and the console.
        .Add("ra.session.start-session.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.String(m.Task);
            w.Int(m.Fps);
        }, r => new StartSession(r.String(), r.String(), r.Int()))
        .Add("ra.session.stop-session.v1", (w, m) => w.String(m.RobotId), r => new StopSession(r.String()))
        .Add("ra.session.start-episode.v1", (w, m) => w.String(m.RobotId), r => new StartEpisode(r.String()))
        .Add("ra.session.episode-opened.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.Int(m.Session);
            w.Int(m.Episode);
        }, r => new EpisodeOpened(r.String(), r.Int(), r.Int()))
        .Add("ra.session.record-step.v1", (w, m) =>
        {
            w.String(m.RobotId);
            StepCodec.Write(w, m.Step);
        }, r => new RecordStep(r.String(), StepCodec.Read(r)))
        .Add("ra.session.steps-acknowledged.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.Int(m.Episode);
            w.Int(m.UpToIndex);
            w.Long(m.DurableSteps);
        }, r => new StepsAcknowledged(r.String(), r.Int(), r.Int(), r.Long()))
        .Add("ra.session.end-episode.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.Int(m.Episode);
            w.Enum(m.Outcome);
        }, r => new EndEpisode(r.String(), r.Int(), r.Enum<EpisodeOutcome>()))
        .Add("ra.session.episode-closed.v1", (w, m) =>
        {
            w.String(m.RobotId);
            WriteEpisode(w, m.Summary);
        }, r => new EpisodeClosed(r.String(), ReadEpisode(r)))
        .Add("ra.session.record-policy-version.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.Long(m.Version);
            w.Int(m.Episode);
            w.Int(m.StepIndex);
        }, r => new RecordPolicyVersion(r.String(), r.Long(), r.Int(), r.Int()))
        .Add("ra.session.get-status.v1", (w, m) => w.String(m.RobotId), r => new GetSessionStatus(r.String()))
        .Add("ra.session.status.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.Bool(m.Active);
            w.Int(m.Session ?? -1);
            w.OptionalString(m.Task);
            w.Int(m.OpenEpisode ?? -1);
            w.Int(m.OpenEpisodeLength);
            w.Int(m.EpisodesFinished);
            w.Double(m.SuccessRate);
            w.Double(m.InterventionRate);
            w.Long(m.PolicyVersion);
            w.Long(m.DurableSteps);
            w.Int(m.PendingSteps);
            w.Long(m.LateSteps);
            w.Double(m.MaxTickToDurableMs);
        }, r => new SessionStatus(r.String(), r.Bool(), NonNegative(r.Int()), r.OptionalString(), NonNegative(r.Int()), r.Int(), r.Int(),
            r.Double(), r.Double(), r.Long(), r.Long(), r.Int(), r.Long(), r.Double()))
        .Add("ra.session.get-history.v1", (w, m) => w.String(m.RobotId), r => new GetSessionHistory(r.String()))
        .Add("ra.session.history.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.List(m.Sessions, WriteSession);
        }, r => new SessionHistory(r.String(), r.List(ReadSession)))
        .Add("ra.session.command-refused.v1", (w, m) =>
        {
            w.String(m.RobotId);
            w.String(m.Reason);
        }, r => new SessionCommandRefused(r.String(), r.String()));

    private static int? NonNegative(int value) => value < 0 ? null : value;

    private static void WriteEpisode(WireWriter w, EpisodeSummary e)
    {
        w.Int(e.Episode);
        w.Int(e.Session);
        w.Time(e.StartedAt);
        w.Time(e.EndedAt);
        w.Enum(e.Outcome);
        w.Double(e.Return);
        w.Int(e.Length);
        w.Double(e.InterventionRate);
        w.Int(e.Interventions);
        w.Long(e.FirstStepSeqNr);
        w.Long(e.PolicyVersion);
    }

    private static EpisodeSummary ReadEpisode(WireReader r) => new(r.Int(), r.Int(), r.Time(), r.Time(), r.Enum<EpisodeOutcome>(),
        r.Double(), r.Int(), r.Double(), r.Int(), r.Long(), r.Long());

    private static void WriteSession(WireWriter w, SessionSummary s)
    {
        w.Int(s.Session);
        w.String(s.Task);
        w.Int(s.Fps);
        w.Time(s.StartedAt);
        w.Bool(s.StoppedAt.HasValue);
        if (s.StoppedAt is { } stopped) w.Time(stopped);
        w.Int(s.Resumes);
        w.List(s.Episodes, WriteEpisode);
    }

    private static SessionSummary ReadSession(WireReader r) =>
        new(r.Int(), r.String(), r.Int(), r.Time(), r.Bool() ? r.Time() : null, r.Int(), r.List(ReadEpisode));

    private static void WriteState(WireWriter w, SessionState s)
    {
        w.String(s.RobotId);
        w.List(s.Sessions, WriteSession);
        w.Optional(s.Open, (w2, o) =>
        {
            w2.Int(o.Episode);
            w2.Int(o.Session);
            w2.Time(o.StartedAt);
            w2.Long(o.FirstStepSeqNr);
            w2.Long(o.PolicyVersion);
            w2.Int(o.Length);
            w2.Double(o.Return);
            w2.Int(o.InterventionSteps);
            w2.Int(o.Interventions);
            w2.Bool(o.Intervening);
            w2.Time(o.LastTick);
        });
        w.Int(s.NextEpisode);
        w.Long(s.StepCount);
        w.Long(s.PolicyVersion);
    }

    private static SessionState ReadState(WireReader r) => new(r.String(), [.. r.List(ReadSession)],
        r.Optional(r2 => new OpenEpisode(r2.Int(), r2.Int(), r2.Time(), r2.Long(), r2.Long(), r2.Int(), r2.Double(), r2.Int(), r2.Int(), r2.Bool(), r2.Time())),
        r.Int(), r.Long(), r.Long());
}
