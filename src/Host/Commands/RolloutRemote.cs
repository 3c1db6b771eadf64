using Akka.Actor;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Inference;
using RobotActors.Host.Configuration;
using RobotActors.Policies.Configs;
using RobotActors.Rl.Rollout;

namespace RobotActors.Host.Commands;

/// <summary>
/// `rollout --policy.remote host:port`: this process joins the policy node's cluster as a member with role
/// "rollout", finds the policy server on a member with role "policy", checks the policy's inputs against this
/// robot's env, and gives the control loop a <see cref="RemoteChunkPolicy"/> fed by an <see cref="InferenceClientActor"/>.
/// A restarted policy node is found again (<see cref="PolicyServerConnection"/>).
/// </summary>
public sealed class RolloutRemote : IAsyncDisposable
{
    private readonly PolicyServerConnection _connection;

    private RolloutRemote(PolicyServerConnection connection, RemoteChunkPolicy policy)
    {
        _connection = connection;
        Policy = policy;
    }

    public RemoteChunkPolicy Policy { get; }
    public PolicyServerInfo Info => _connection.Info;
    public IActorRef Client => _connection.Client;

    /// <summary>Without a server this long, the robot joins the policy node afresh (it may have been restarted).</summary>
    public static readonly TimeSpan RejoinAfter = TimeSpan.FromSeconds(5);

    public static async Task<RolloutRemote> ConnectAsync(string address, string hostname, string? task, double threshold, int actionsPerChunk, int fps,
        IReadOnlyDictionary<string, PolicyFeature> envFeatures, int actionDim, CancellationToken cancel)
    {
        Actors.Configuration.SeedNode seed;
        try
        {
            seed = Actors.Configuration.SeedNode.Parse("--policy.remote", address.Contains("://") ? address[(address.IndexOf('@') + 1)..] : address);
        }
        catch (Actors.Configuration.SettingsException)
        {
            throw new ArgumentException($"--policy.remote {address}: not host:port; give the policy node's address (its robotactors.node.hostname and port, e.g. 10.0.0.12:4053).");
        }
        var settings = ConfigLoader.LoadDefaults(
        [
            "robotactors.node.roles=[rollout]", "robotactors.node.port=0", $"robotactors.node.hostname=\"{hostname}\"",
            $"robotactors.node.seed-nodes=[\"{seed.Host}:{seed.Port}\"]", "robotactors.log-level=WARNING",
        ]).Settings;
        RemoteChunkPolicy? policy = null;
        PolicyServerConnection connection;
        try
        {
            connection = await PolicyServerConnection.ConnectAsync(
                () => ActorSystem.Create(settings.SystemName, NodeConfig.Build(settings)),
                () => InferenceClientActor.Props(Environment.MachineName + "-" + Environment.ProcessId, c => policy?.Deliver(c), task, actionsPerChunk),
                info => Refusal(info, envFeatures, actionDim, address), Console.Error.WriteLine, RejoinAfter, TimeSpan.FromSeconds(30), cancel);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"--policy.remote {address}: no policy server answered within 30 s; is a node with role \"policy\" (robotactors.node.roles) " +
                $"running there, and can it reach this machine at {hostname} (--cluster.hostname)?");
        }
        // A request unanswered for a second is sent again (the node may be back); a chunk from an observation older
        // than the chunk itself can only be stale.
        var info = connection.Info;
        policy = new RemoteChunkPolicy(connection, $"{info.PolicyType} on {address} ({info.Path})", threshold,
            requestTimeoutTicks: Math.Max(1, fps), maxObservationAgeTicks: Math.Max(1, info.ChunkSize), observationSteps: Math.Max(1, info.ObservationSteps));
        return new RolloutRemote(connection, policy);
    }

    /// <summary>Why this server's policy cannot drive this robot (null: it can).</summary>
    private static string? Refusal(PolicyServerInfo info, IReadOnlyDictionary<string, PolicyFeature> envFeatures, int actionDim, string address)
    {
        if (info.Failure is not null) return $"--policy.remote {address}: {info.Failure}";
        foreach (var (key, feature) in info.InputFeatures)
        {
            if (!envFeatures.TryGetValue(key, out var env))
                return $"--policy.remote {address}: the policy ({info.PolicyType}, {info.Path}) reads '{key}', which this robot's env does not give (it gives {string.Join(", ", envFeatures.Keys)}).";
            if (!env.Shape.SequenceEqual(feature.Shape))
                return $"--policy.remote {address}: the policy's '{key}' is [{string.Join(", ", feature.Shape)}] but this robot's env gives [{string.Join(", ", env.Shape)}]; configure the cameras and processor as for the training data.";
        }
        return info.ActionDim != actionDim ? $"--policy.remote {address}: the policy acts with {info.ActionDim} values but this robot's action has {actionDim}." : null;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
