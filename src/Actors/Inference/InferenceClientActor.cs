using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using RobotActors.Actors.Control;
using RobotActors.Policies.Inference;
using RobotActors.Rl.Env;
using RobotActors.Rl.Rollout;

namespace RobotActors.Actors.Inference;

/// <summary>The control thread's observations up to tick <paramref name="Timestep"/>, oldest first (robot-local; the actor converts them to bytes for the wire).</summary>
public sealed record RequestChunk(long Timestep, IReadOnlyList<EnvObservation> Window);

/// <summary>Answered with the server's <see cref="PolicyServerInfo"/> once one is found and has answered (robot-local).</summary>
public sealed class AwaitPolicyServer
{
    public static readonly AwaitPolicyServer Instance = new();
    private AwaitPolicyServer() { }
}

/// <summary>Where the client stands: the server it uses (null: none), chunks and failures so far (robot-local).</summary>
public sealed record InferenceClientStatus(string? Server, long Requests, long Chunks, long Failures, long Losses);

public sealed class GetInferenceClientStatus
{
    public static readonly GetInferenceClientStatus Instance = new();
    private GetInferenceClientStatus() { }
}

/// <summary>
/// The robot side of async inference: it finds a policy server on a cluster member with the policy role, watches
/// it, and forwards the control thread's observations to it as <see cref="InferenceRequest"/>s; each chunk that
/// comes back is handed to the control thread's queue (<paramref name="deliver"/>), which merges it at its next
/// tick. The control thread never waits on this actor. When the server's node is lost (unreachable, removed or the
/// actor stopped) no request goes out until a server is found again; the queue runs dry and the loop holds.
/// </summary>
public sealed class InferenceClientActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _clientId;
    private readonly string _role;
    private readonly Action<TimedChunk> _deliver;
    private readonly string? _task;
    private readonly int _actionsPerChunk;
    private readonly List<IActorRef> _waiting = [];
    private IActorRef? _server;
    private PolicyServerInfo? _info;
    private long _requests, _chunks, _failures, _losses;

    public static Props Props(string clientId, Action<TimedChunk> deliver, string? task = null, int actionsPerChunk = 0, string role = PolicyServerActor.Role) =>
        Akka.Actor.Props.Create(() => new InferenceClientActor(clientId, deliver, task, actionsPerChunk, role));

    public InferenceClientActor(string clientId, Action<TimedChunk> deliver, string? task, int actionsPerChunk, string role)
    {
        _clientId = clientId;
        _deliver = deliver;
        _task = task;
        _actionsPerChunk = actionsPerChunk;
        _role = role;
        Receive<ClusterEvent.CurrentClusterState>(s =>
        {
            foreach (var m in s.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole(_role) && !s.Unreachable.Contains(m))) Identify(m.Address);
        });
        Receive<ClusterEvent.MemberUp>(m => { if (m.Member.HasRole(_role)) Identify(m.Member.Address); });
        Receive<ClusterEvent.ReachableMember>(m => { if (m.Member.HasRole(_role)) Identify(m.Member.Address); });
        Receive<ClusterEvent.UnreachableMember>(m => Lost(m.Member.Address, "unreachable"));
        Receive<ClusterEvent.MemberRemoved>(m => Lost(m.Member.Address, "removed from the cluster"));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ActorIdentity>(id =>
        {
            if (id.Subject is null || _server is not null) return;
            _server = id.Subject;
            Context.Watch(_server);
            _server.Tell(GetPolicyServerInfo.Instance);
            _log.Info("inference: using the policy server {0}", _server.Path);
        });
        Receive<PolicyServerInfo>(info =>
        {
            _info = info;
            foreach (var w in _waiting) w.Tell(info);
            _waiting.Clear();
        });
        Receive<AwaitPolicyServer>(_ =>
        {
            if (_info is not null) Sender.Tell(_info);
            else _waiting.Add(Sender);
        });
        Receive<RequestChunk>(r =>
        {
            if (_server is null) return; // the queue's own timeout asks again; meanwhile the arm holds when it runs dry
            _requests++;
            _server.Tell(new InferenceRequest(_clientId, r.Timestep, r.Window.Select(SessionStepSink.ToObservation).ToList(), _task, _actionsPerChunk));
        });
        Receive<ActionChunkReply>(c =>
        {
            if (c.ActionDim <= 0 || c.Actions.Length % c.ActionDim != 0)
            {
                _failures++;
                _log.Warning("inference: a chunk of {0} values is not whole actions of {1}; dropped", c.Actions.Length, c.ActionDim);
                return;
            }
            _chunks++;
            var steps = new List<float[]>(c.Steps);
            for (var i = 0; i < c.Steps; i++) steps.Add(c.Actions.AsSpan(i * c.ActionDim, c.ActionDim).ToArray());
            _deliver(new TimedChunk(c.Timestep, steps));
        });
        Receive<InferenceFailed>(f =>
        {
            if (_failures++ % 50 == 0) _log.Warning("inference: the policy server refused tick {0}: {1}", f.Timestep, f.Reason);
        });
        Receive<Terminated>(t => Lost(t.ActorRef.Path.Address, "stopped"));
        Receive<GetInferenceClientStatus>(_ => Sender.Tell(new InferenceClientStatus(_server?.Path.ToString(), _requests, _chunks, _failures, _losses)));
    }

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void Identify(Address address)
    {
        if (_server is not null) return;
        Context.ActorSelection(new RootActorPath(address) / "user" / PolicyServerActor.Name).Tell(new Identify(address.ToString()));
    }

    private void Lost(Address address, string how)
    {
        if (_server is null || _server.Path.Address != address) return;
        var self = Cluster.Get(Context.System).SelfMember.Status;
        if (self is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down or MemberStatus.Removed) return; // this node is the one going
        _log.Warning("inference: the policy server {0} is {1}; the robot holds when its queue runs dry", _server.Path, how);
        Context.Unwatch(_server);
        _server = null;
        _losses++;
        // another member with the role, if there is one, takes over
        var state = Cluster.Get(Context.System).State;
        foreach (var m in state.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole(_role) && m.Address != address && !state.Unreachable.Contains(m)))
            Identify(m.Address);
    }
}

/// <summary>The control thread's side of the client: a Tell, never waited on.</summary>
public sealed class ActorChunkRequester(IActorRef client) : IChunkRequester
{
    public void Request(long timestep, IReadOnlyList<EnvObservation> window) => client.Tell(new RequestChunk(timestep, window), ActorRefs.NoSender);
}
