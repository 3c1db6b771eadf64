using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;

namespace RobotActors.Actors.Control;

// What the console (from any node) says to a robot's control loop, and what it answers. Every message names its
// robot, so the robots manager routes it to that robot's ControlLoopActor. Start, resume and intervene move the
// arm: the gateway refuses them when stale before they are sent.

public interface IControlMessage : IRobotMessage;

/// <summary>Starts (or, after a crash, continues) the robot's HIL-SERL session; <paramref name="Task"/> null keeps the config's env.task.</summary>
public sealed record StartControl(string RobotId, string? Task) : IControlMessage, IProtocolMessage;

/// <summary>Ends the open episode as interrupted, closes the session and releases the arm.</summary>
public sealed record StopControl(string RobotId) : IControlMessage, IProtocolMessage;

/// <summary>Holds the arm where it is (the open episode is truncated); resume opens the next episode.</summary>
public sealed record PauseControl(string RobotId) : IControlMessage, IProtocolMessage;

public sealed record ResumeControl(string RobotId) : IControlMessage, IProtocolMessage;

/// <summary>The operator takes over (on) or hands back to the policy (off), as holding the gamepad's intervention button.</summary>
public sealed record SetIntervention(string RobotId, bool On) : IControlMessage, IProtocolMessage;

/// <summary>The operator's success / failure / re-record buttons for the open episode.</summary>
public sealed record MarkEpisode(string RobotId, EpisodeOutcome Outcome) : IControlMessage, IProtocolMessage;

public sealed record GetControlStatus(string RobotId) : IControlMessage, IProtocolMessage;

public enum ControlState { Idle, Starting, Running, Paused, Failed }

/// <summary>
/// Where a robot's control loop stands: its mode, the open episode and step, the weights version the replica runs,
/// the loop's timing (ticks, ticks that missed their deadline, the tick's work time p50/p99) and whether the operator
/// holds the intervention. <paramref name="AcknowledgedSteps"/>: the robot's steps the session has told the loop are durable.
/// <paramref name="HeldTicks"/>: ticks that acted on nothing because a device's reading was missing or too old (a real
/// arm's bus unplugged or reconnecting); the servos kept their last safe goal.
/// </summary>
public sealed record ControlStatus(
    string RobotId, ControlState State, string? Detail, int? Episode, int Step, long PolicyVersion, long Ticks, long Overruns,
    double LoopP50Ms, double LoopP99Ms, bool OperatorIntervening, long AcknowledgedSteps, long HeldTicks = 0) : IProtocolMessage;

/// <summary>The answer to a start, stop, pause, resume, intervene or episode mark: done, or refused with why.</summary>
public sealed record ControlReply(string RobotId, bool Ok, string Text) : IProtocolMessage;
