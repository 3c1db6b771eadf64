using Akka.Actor;
using Akka.Event;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Weights;
using RobotActors.Rl.Actor;

namespace RobotActors.Actors.Control;

/// <summary>The replica's weights: the newest version received from the learner, and the one the control loop acts with.</summary>
public sealed record PolicyStatus(long Received, long Applied);

public sealed class GetPolicyStatus
{
    public static readonly GetPolicyStatus Instance = new();
    private GetPolicyStatus() { }
}

/// <summary>The control thread applied this weights version at a step boundary (robot-local).</summary>
public sealed record PolicyVersionApplied(long Version);

/// <summary>
/// A robot's policy replica, as an actor: its <see cref="WeightsReceiver"/> fetches every version the learner
/// publishes, and each complete one is offered to the control thread, which applies it at the next step
/// boundary (not only at an episode's end, as LeRobot's actor does); a version that arrives before the
/// previous was applied replaces it. The replica's tensors live on the control thread alone, so this actor
/// never touches them: it holds the hand-over slot and reports what was received and applied.
/// </summary>
public sealed class PolicyActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _robotId;
    private readonly PendingWeights _pending;
    private readonly WeightsSettings _settings;
    private long _received, _applied;

    public static Props Props(string robotId, PendingWeights pending, WeightsSettings settings) =>
        Akka.Actor.Props.Create(() => new PolicyActor(robotId, pending, settings));

    public PolicyActor(string robotId, PendingWeights pending, WeightsSettings settings)
    {
        _robotId = robotId;
        _pending = pending;
        _settings = settings;
        Receive<WeightsReceived>(w =>
        {
            _received = w.Version;
            _pending.Offer(w.Payload);
            _log.Debug("robot {0}: weights version {1} received ({2} bytes)", _robotId, w.Version, w.Payload.Length);
        });
        Receive<PolicyVersionApplied>(a => _applied = a.Version);
        Receive<GetPolicyStatus>(_ => Sender.Tell(new PolicyStatus(_received, _applied)));
    }

    // The receiver restarts on its own failures (the default strategy); a fetch in progress is then asked again.
    protected override void PreStart() => Context.ActorOf(WeightsReceiver.Props(Self, _settings), "weights");
}
