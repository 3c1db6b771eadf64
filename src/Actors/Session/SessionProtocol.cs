using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Session;

// What the control loop and the console say to a robot's SessionActor, and what it answers. Every message
// names its robot, so the robots manager routes it from any node to that robot's session.

public interface ISessionMessage : IRobotMessage;

public sealed record StartSession(string RobotId, string Task, int Fps) : ISessionMessage;

public sealed record StopSession(string RobotId) : ISessionMessage;

/// <summary>Opens the next episode; answered with <see cref="EpisodeOpened"/>.</summary>
public sealed record StartEpisode(string RobotId) : ISessionMessage;

public sealed record EpisodeOpened(string RobotId, int Session, int Episode) : IProtocolMessage;

/// <summary>
/// One step, sent as it happens; never answered one by one. The session batches steps and, once a batch
/// is durable, tells the sender with <see cref="StepsAcknowledged"/> how far the journal holds its steps.
/// </summary>
public sealed record RecordStep(string RobotId, StepRecord Step) : ISessionMessage;

/// <summary>
/// Every step of the episode up to and including <paramref name="UpToIndex"/> is in the journal; so are
/// <paramref name="DurableSteps"/> steps of the robot in all (the high-water mark).
/// </summary>
public sealed record StepsAcknowledged(string RobotId, int Episode, int UpToIndex, long DurableSteps) : IProtocolMessage;

/// <summary>Ends the open episode; the session computes return, length and intervention rate from its steps.</summary>
public sealed record EndEpisode(string RobotId, int Episode, EpisodeOutcome Outcome) : ISessionMessage;

public sealed record EpisodeClosed(string RobotId, EpisodeSummary Summary) : IProtocolMessage;

/// <summary>The policy replica runs this weights version from this step on.</summary>
public sealed record RecordPolicyVersion(string RobotId, long Version, int Episode, int StepIndex) : ISessionMessage;

public sealed record GetSessionStatus(string RobotId) : ISessionMessage;

/// <summary>
/// Where a robot's session stands. Success and intervention rates are over the last 20 finished
/// episodes. Pending steps are received but not yet durable; late steps became durable more than the
/// durability deadline (250 ms by default) after their tick.
/// </summary>
public sealed record SessionStatus(
    string RobotId, bool Active, int? Session, string? Task, int? OpenEpisode, int OpenEpisodeLength, int EpisodesFinished,
    double SuccessRate, double InterventionRate, long PolicyVersion, long DurableSteps, int PendingSteps, long LateSteps,
    double MaxTickToDurableMs) : IProtocolMessage;

public sealed record GetSessionHistory(string RobotId) : ISessionMessage;

public sealed record SessionHistory(string RobotId, IReadOnlyList<SessionSummary> Sessions) : IProtocolMessage;

/// <summary>The session could not do it (no session started, wrong episode, a step out of order); nothing was recorded.</summary>
public sealed record SessionCommandRefused(string RobotId, string Reason) : IProtocolMessage;
