using System.Collections.Immutable;
using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Session;

/// <summary>One episode as the history shows it; its steps stay in the journal.</summary>
public sealed record EpisodeSummary(
    int Episode, int Session, DateTimeOffset StartedAt, DateTimeOffset EndedAt, EpisodeOutcome Outcome, double Return,
    int Length, double InterventionRate, int Interventions, long FirstStepSeqNr, long PolicyVersion)
{
    public bool Success => Outcome == EpisodeOutcome.Success;
}

/// <summary>One session: a task run on the robot from start to stop, with its episodes.</summary>
public sealed record SessionSummary(
    int Session, string Task, int Fps, DateTimeOffset StartedAt, DateTimeOffset? StoppedAt, int Resumes, IReadOnlyList<EpisodeSummary> Episodes)
{
    public bool Active => StoppedAt is null;
}

/// <summary>The episode being recorded: its running figures, built from its steps.</summary>
public sealed record OpenEpisode(
    int Episode, int Session, DateTimeOffset StartedAt, long FirstStepSeqNr, long PolicyVersion,
    int Length, double Return, int InterventionSteps, int Interventions, bool Intervening, DateTimeOffset LastTick)
{
    public double InterventionRate => Length == 0 ? 0 : (double)InterventionSteps / Length;
}

/// <summary>
/// A robot's session journal folded into its current state: a pure function of the events, so recovery
/// rebuilds exactly what the actor had, and tests need no actor system. It is also the snapshot.
/// </summary>
public sealed record SessionState(string RobotId, ImmutableList<SessionSummary> Sessions, OpenEpisode? Open, int NextEpisode, long StepCount, long PolicyVersion)
    : IJournaled
{
    public static SessionState Empty(string robotId) => new(robotId, [], null, 0, 0, 0);

    public SessionSummary? Current => Sessions.Count > 0 && Sessions[^1].Active ? Sessions[^1] : null;

    public IEnumerable<EpisodeSummary> Episodes => Sessions.SelectMany(s => s.Episodes);

    public SessionState Apply(ISessionEvent e) => e switch
    {
        SessionStarted s => this with { Sessions = Sessions.Add(new SessionSummary(s.Session, s.Task, s.Fps, s.At, null, 0, [])) },
        SessionResumed r => WithCurrent(r.Session, c => c with { Resumes = c.Resumes + 1 }),
        SessionStopped s => WithCurrent(s.Session, c => c with { StoppedAt = s.At }),
        EpisodeStarted s => this with
        {
            Open = new OpenEpisode(s.Episode, s.Session, s.At, StepCount, s.PolicyVersion, 0, 0, 0, 0, false, s.At),
            NextEpisode = s.Episode + 1,
        },
        StepsRecorded r => Record(r),
        InterventionMarked m => Open is { } o && m.On ? this with { Open = o with { Interventions = o.Interventions + 1 } } : this,
        EpisodeEnded end => End(end),
        PolicyVersionApplied p => this with { PolicyVersion = p.Version },
        _ => throw new ArgumentException($"unknown session event {e.GetType().Name}"),
    };

    private SessionState Record(StepsRecorded r)
    {
        var o = Open ?? throw new InvalidOperationException($"steps recorded with no open episode (robot {RobotId}, step {r.FirstStepSeqNr})");
        foreach (var step in r.Steps)
            o = o with
            {
                Length = o.Length + 1,
                Return = o.Return + step.Reward,
                InterventionSteps = o.InterventionSteps + (step.Intervention ? 1 : 0),
                Intervening = step.Intervention,
                LastTick = step.TickTime,
            };
        return this with { Open = o, StepCount = StepCount + r.Steps.Count };
    }

    private SessionState End(EpisodeEnded end)
    {
        var o = Open ?? throw new InvalidOperationException($"episode {end.Episode} ended but none is open (robot {RobotId})");
        var summary = new EpisodeSummary(o.Episode, o.Session, o.StartedAt, end.At, end.Outcome, end.Return, end.Length,
            end.InterventionRate, o.Interventions, o.FirstStepSeqNr, o.PolicyVersion);
        return WithSession(o.Session, s => s with { Episodes = s.Episodes.Append(summary).ToList() }) with { Open = null };
    }

    private SessionState WithCurrent(int session, Func<SessionSummary, SessionSummary> change) => WithSession(session, change);

    private SessionState WithSession(int session, Func<SessionSummary, SessionSummary> change)
    {
        var index = Sessions.FindLastIndex(s => s.Session == session);
        if (index < 0) throw new InvalidOperationException($"no session {session} in robot {RobotId}'s journal");
        return this with { Sessions = Sessions.SetItem(index, change(Sessions[index])) };
    }

    /// <summary>The event that closes the open episode with the figures of its recorded steps.</summary>
    public EpisodeEnded EndOpen(EpisodeOutcome outcome, DateTimeOffset at)
    {
        var o = Open ?? throw new InvalidOperationException("no open episode");
        return new EpisodeEnded(o.Episode, outcome, o.Return, o.Length, o.InterventionRate, at);
    }

    /// <summary>Success and intervention rates over the last <paramref name="count"/> finished episodes (re-recorded ones excluded).</summary>
    public (double SuccessRate, double InterventionRate, int Episodes) Recent(int count = 20)
    {
        var recent = Episodes.Where(e => e.Outcome != EpisodeOutcome.Rerecord).TakeLast(count).ToList();
        if (recent.Count == 0) return (0, 0, 0);
        return (recent.Count(e => e.Success) / (double)recent.Count, recent.Average(e => e.InterventionRate), recent.Count);
    }
}
