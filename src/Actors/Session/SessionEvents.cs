using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Session;

// The session journal's events: small facts, each a record of what the robot did. The session's state is
// a pure function of them (SessionState.Apply). Every event has a fixed manifest (SessionWire).

public interface ISessionEvent : IJournaled;

/// <summary>How an episode ended. TimeLimit and Interrupted are truncations: the episode was cut, not finished.</summary>
public enum EpisodeOutcome { Success, Failure, TimeLimit, Rerecord, Interrupted }

public sealed record SessionStarted(int Session, string RobotId, string Task, int Fps, DateTimeOffset At) : ISessionEvent;

/// <summary>The node came back (after a crash or a restart) while the session was running.</summary>
public sealed record SessionResumed(int Session, DateTimeOffset At) : ISessionEvent;

public sealed record SessionStopped(int Session, DateTimeOffset At) : ISessionEvent;

public sealed record EpisodeStarted(int Episode, int Session, long PolicyVersion, DateTimeOffset At) : ISessionEvent;

/// <summary>A batch of consecutive steps of one episode. FirstStepSeqNr numbers steps across the robot's whole journal.</summary>
public sealed record StepsRecorded(long FirstStepSeqNr, IReadOnlyList<StepRecord> Steps) : ISessionEvent;

/// <summary>The operator took over (On) or handed back (off) at this step.</summary>
public sealed record InterventionMarked(int Episode, int StepIndex, bool On, DateTimeOffset At) : ISessionEvent;

/// <summary>An episode's end with its figures: return (sum of rewards), length in steps, share of steps intervened.</summary>
public sealed record EpisodeEnded(int Episode, EpisodeOutcome Outcome, double Return, int Length, double InterventionRate, DateTimeOffset At) : ISessionEvent
{
    public bool Success => Outcome == EpisodeOutcome.Success;
    public bool Truncated => Outcome is EpisodeOutcome.TimeLimit or EpisodeOutcome.Interrupted;
}

/// <summary>The policy replica switched to a weights version, effective from this step of the episode.</summary>
public sealed record PolicyVersionApplied(long Version, int Episode, int StepIndex, DateTimeOffset At) : ISessionEvent;
