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
/// </summary>
public sealed class RolloutRemote : IAsyncDisposable
{
    private readonly ActorSystem _system;

    private RolloutRemote(ActorSystem system, RemoteChunkPolicy policy, PolicyServerInfo info, IActorRef client)
    {
        _system = system;
        Policy = policy;
        Info = info;
        Client = client;
    }

    public RemoteChunkPolicy Policy { get; }
    public PolicyServerInfo Info { get; }
    public IActorRef Client { get; }

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
        var system = ActorSystem.Create(settings.SystemName, NodeConfig.Build(settings));
        try
        {
            RemoteChunkPolicy? policy = null;
            var client = system.ActorOf(InferenceClientActor.Props(Environment.MachineName + "-" + Environment.ProcessId, c => policy?.Deliver(c), task, actionsPerChunk), "inference");
            PolicyServerInfo info;
            try
            {
                info = await client.Ask<PolicyServerInfo>(AwaitPolicyServer.Instance, TimeSpan.FromSeconds(30), cancel);
            }
            catch (AskTimeoutException)
            {
                throw new TimeoutException($"--policy.remote {address}: no policy server answered within 30 s; is a node with role \"policy\" (robotactors.node.roles) " +
                    $"running there, and can it reach this machine at {hostname} (--cluster.hostname)?");
            }
            if (info.Failure is not null) throw new InvalidOperationException($"--policy.remote {address}: {info.Failure}");
            Check(info, envFeatures, actionDim, address);
            // A request unanswered for a second is sent again (the node may be back); a chunk from an observation older
            // than the chunk itself can only be stale.
            policy = new RemoteChunkPolicy(new ActorChunkRequester(client), $"{info.PolicyType} on {address} ({info.Path})", threshold,
                requestTimeoutTicks: Math.Max(1, fps), maxObservationAgeTicks: Math.Max(1, info.ChunkSize), observationSteps: Math.Max(1, info.ObservationSteps));
            return new RolloutRemote(system, policy, info, client);
        }
        catch
        {
            await system.Terminate();
            throw;
        }
    }

    private static void Check(PolicyServerInfo info, IReadOnlyDictionary<string, PolicyFeature> envFeatures, int actionDim, string address)
    {
        foreach (var (key, feature) in info.InputFeatures)
        {
            if (!envFeatures.TryGetValue(key, out var env))
                throw new ArgumentException($"--policy.remote {address}: the policy ({info.PolicyType}, {info.Path}) reads '{key}', which this robot's env does not give (it gives {string.Join(", ", envFeatures.Keys)}).");
            if (!env.Shape.SequenceEqual(feature.Shape))
                throw new ArgumentException($"--policy.remote {address}: the policy's '{key}' is [{string.Join(", ", feature.Shape)}] but this robot's env gives [{string.Join(", ", env.Shape)}]; configure the cameras and processor as for the training data.");
        }
        if (info.ActionDim != actionDim)
            throw new ArgumentException($"--policy.remote {address}: the policy acts with {info.ActionDim} values but this robot's action has {actionDim}.");
    }

    public async ValueTask DisposeAsync()
    {
        var leave = CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        await Task.WhenAny(leave, Task.Delay(TimeSpan.FromSeconds(5)));
        await _system.Terminate();
    }
}
