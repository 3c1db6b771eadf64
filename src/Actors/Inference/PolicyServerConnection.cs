using Akka.Actor;
using RobotActors.Rl.Env;
using RobotActors.Rl.Rollout;

namespace RobotActors.Actors.Inference;

/// <summary>
/// A robot's way to its policy server across restarts of the policy node. A policy node is its own seed, so when it
/// is restarted it forms a cluster of its own, and a robot still in the old cluster would never see it again (a member
/// cannot join a second cluster). When the robot has had no server for <c>rejoinAfter</c>, this starts a new actor
/// system that joins through the seed afresh and moves the requests over once that system's client has found a
/// server whose policy the robot accepts; the old system is shut down. The control thread keeps calling
/// <see cref="Request"/> throughout and holds while nothing answers, as it does when the server is simply gone.
/// </summary>
public sealed class PolicyServerConnection : IChunkRequester, IAsyncDisposable
{
    private readonly Func<ActorSystem> _newSystem;
    private readonly Func<Props> _clientProps;
    private readonly Func<PolicyServerInfo, string?> _refusal;
    private readonly Action<string> _log;
    private readonly TimeSpan _rejoinAfter, _findTimeout;
    private readonly CancellationTokenSource _stop = new();
    private ActorSystem _system;
    private volatile IActorRef _client;
    private Task _watch = Task.CompletedTask;
    private long _rejoins;

    private PolicyServerConnection(Func<ActorSystem> newSystem, Func<Props> clientProps, Func<PolicyServerInfo, string?> refusal, Action<string> log,
        TimeSpan rejoinAfter, TimeSpan findTimeout, ActorSystem system, IActorRef client, PolicyServerInfo info)
    {
        _newSystem = newSystem;
        _clientProps = clientProps;
        _refusal = refusal;
        _log = log;
        _rejoinAfter = rejoinAfter;
        _findTimeout = findTimeout;
        _system = system;
        _client = client;
        Info = info;
    }

    /// <summary>What the first server answered (the robot checked its inputs against it).</summary>
    public PolicyServerInfo Info { get; }

    /// <summary>The inference client of the present actor system.</summary>
    public IActorRef Client => _client;

    /// <summary>How many times the robot joined afresh and found a server again.</summary>
    public long Rejoins => Interlocked.Read(ref _rejoins);

    /// <summary>
    /// Starts the first actor system and waits for a server; throws <see cref="TimeoutException"/> when none answers
    /// within <paramref name="findTimeout"/>. <paramref name="refusal"/> says why a server's policy does not fit this robot (null: it fits).
    /// </summary>
    public static async Task<PolicyServerConnection> ConnectAsync(Func<ActorSystem> newSystem, Func<Props> clientProps, Func<PolicyServerInfo, string?> refusal,
        Action<string> log, TimeSpan rejoinAfter, TimeSpan findTimeout, CancellationToken cancel)
    {
        var system = newSystem();
        try
        {
            var client = system.ActorOf(clientProps(), "inference");
            var info = await client.Ask<PolicyServerInfo>(AwaitPolicyServer.Instance, findTimeout, cancel);
            if (refusal(info) is { } why) throw new InvalidOperationException(why);
            var connection = new PolicyServerConnection(newSystem, clientProps, refusal, log, rejoinAfter, findTimeout, system, client, info);
            connection._watch = Task.Run(connection.WatchAsync);
            return connection;
        }
        catch (AskTimeoutException)
        {
            await system.Terminate();
            throw new TimeoutException($"no policy server answered within {findTimeout.TotalSeconds:G3} s");
        }
        catch
        {
            await system.Terminate();
            throw;
        }
    }

    public void Request(long timestep, IReadOnlyList<EnvObservation> window) => _client.Tell(new RequestChunk(timestep, window), ActorRefs.NoSender);

    private async Task WatchAsync()
    {
        var since = DateTime.UtcNow;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), _stop.Token);
                var status = await _client.Ask<InferenceClientStatus>(GetInferenceClientStatus.Instance, TimeSpan.FromSeconds(5), _stop.Token);
                if (status.Server is not null) since = DateTime.UtcNow;
                else if (DateTime.UtcNow - since >= _rejoinAfter)
                {
                    await RejoinAsync();
                    since = DateTime.UtcNow;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (AskTimeoutException)
            {
                // a busy client answers late; the next round asks again
            }
        }
    }

    /// <summary>One attempt: a new system through the seed; it takes over only once it has a server the robot accepts.</summary>
    private async Task RejoinAsync()
    {
        var system = _newSystem();
        try
        {
            var client = system.ActorOf(_clientProps(), "inference");
            var info = await client.Ask<PolicyServerInfo>(AwaitPolicyServer.Instance, _findTimeout, _stop.Token);
            if (_refusal(info) is { } why)
            {
                _log($"inference: the policy server found after rejoining is refused: {why}; the robot keeps holding");
                await system.Terminate();
                return;
            }
            var old = _system;
            (_system, _client) = (system, client);
            Interlocked.Increment(ref _rejoins);
            _log($"inference: joined the policy node afresh and found its server ({info.PolicyType}, {info.Path})");
            await Leave(old);
        }
        catch (Exception e) when (e is AskTimeoutException or OperationCanceledException or TaskCanceledException)
        {
            await system.Terminate(); // nobody there yet: the robot keeps holding and tries again later
        }
    }

    private static async Task Leave(ActorSystem system)
    {
        var leave = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        await Task.WhenAny(leave, Task.Delay(TimeSpan.FromSeconds(5)));
        await system.Terminate();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _watch; }
        catch (OperationCanceledException) { }
        await Leave(_system);
        _stop.Dispose();
    }
}
