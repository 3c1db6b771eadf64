using Akka.Actor;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;
using RobotActors.Policies.Configs;
using RobotActors.Rl.Actor;
using RobotActors.Rl.Env;

namespace RobotActors.Actors.Control;

/// <summary>
/// Where the control thread's steps go: each one to the robot's SessionActor as it happens (a Tell, never waited
/// on; the session answers the control loop actor with StepsAcknowledged once a batch is durable), episode
/// ends and applied weights likewise. Only opening an episode waits for the session, between two episodes.
/// </summary>
public sealed class SessionStepSink(string robotId, IActorRef session, IActorRef controlLoop, IActorRef policy, Action<string> warn) : IActorLoopSink
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(30);

    public int OpenEpisode()
    {
        var answer = session.Ask<IProtocolMessage>(new StartEpisode(robotId), OpenTimeout).GetAwaiter().GetResult();
        return answer switch
        {
            EpisodeOpened opened => opened.Episode,
            SessionCommandRefused refused => throw new InvalidOperationException(refused.Reason),
            _ => throw new InvalidOperationException($"the session answered {answer.GetType().Name} to StartEpisode"),
        };
    }

    public void Step(int episode, int index, StepResult step, long policyVersion, DateTimeOffset tickTime) =>
        session.Tell(new RecordStep(robotId, ToRecord(episode, index, step, policyVersion, tickTime)), controlLoop);

    public void EpisodeEnded(int episode, EpisodeEnd end, int length) =>
        session.Tell(new EndEpisode(robotId, episode, Enum.Parse<EpisodeOutcome>(end.ToString())), controlLoop);

    public void PolicyApplied(long version, int episode, int index)
    {
        session.Tell(new RecordPolicyVersion(robotId, version, episode, index), ActorRefs.NoSender);
        policy.Tell(new PolicyVersionApplied(version), ActorRefs.NoSender);
    }

    public void Warn(string message) => warn(message);

    /// <summary>An env step as the journal keeps it: LeRobot's keys, frames as uint8, s' on an episode's last step.</summary>
    public static StepRecord ToRecord(int episode, int index, StepResult step, long policyVersion, DateTimeOffset tickTime) =>
        new(episode, index, ToObservation(step.Observation), step.Action, (float)step.Reward, step.Done, step.Truncated, step.Events.Intervention,
            (float)step.DiscretePenalty, policyVersion, tickTime, step.EpisodeOver ? ToObservation(step.Next) : null);

    public static Observation ToObservation(EnvObservation o)
    {
        var state = new Dictionary<string, float[]> { [PolicyKeys.ObservationState] = o.State };
        if (o.EnvironmentState is not null) state[PolicyKeys.ObservationEnvironmentState] = o.EnvironmentState;
        return new Observation(state, o.Images);
    }
}
