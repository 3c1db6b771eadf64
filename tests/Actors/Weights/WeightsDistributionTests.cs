using System.Collections.Concurrent;
using Akka.Actor;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Weights;
using static RobotActors.Actors.Tests.Transitions.LoopbackCluster;

namespace RobotActors.Actors.Tests.Weights;

/// <summary>Weights of several MB from a learner node to a robot node over real remoting, chunked below the 4 MiB frame.</summary>
public sealed class WeightsDistributionTests : IDisposable
{
    private readonly TempDir _learnerDir = new(), _robotDir = new();
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static byte[] Payload(int megabytes, int seed)
    {
        var bytes = new byte[megabytes << 20];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private sealed class Owner : ReceiveActor
    {
        public Owner(ConcurrentQueue<WeightsReceived> received) => Receive<WeightsReceived>(received.Enqueue);
    }

    [Fact]
    public async Task A_robot_that_missed_versions_gets_the_newest_whole_and_then_every_newer_one()
    {
        var settings = WeightsSettings.Default with { PushInterval = TimeSpan.FromMilliseconds(300) };
        await using var learner = await StartAsync(_learnerDir.Path, "learner");
        await using var robot = await StartAsync(_robotDir.Path, "robot", seed: learner);
        await WaitForMembersAsync(learner, 2);
        var publisher = learner.System.ActorOf(WeightsPublisher.Props(settings), "weights");

        // Published before the robot listens: it must end up with the newest, and only that.
        var payloads = new Dictionary<long, byte[]> { [1] = Payload(6, 1), [2] = Payload(6, 2), [3] = Payload(7, 3) };
        foreach (var (version, payload) in payloads) publisher.Tell(new PublishWeights(version, payload));

        var received = new ConcurrentQueue<WeightsReceived>();
        var receiver = robot.System.ActorOf(WeightsReceiver.Props(robot.System.ActorOf(Props.Create(() => new Owner(received))), settings), "weights");
        await EventuallyAsync(() => Task.FromResult(received.Count), n => n >= 1, Wait, n => $"{n} versions received");
        var first = received.Single();
        Assert.Equal(3, first.Version);
        Assert.Equal(payloads[3], first.Payload);

        // A newer version follows; then two in quick succession, the first superseded while it may still be in flight.
        payloads[4] = Payload(3, 4);
        publisher.Tell(new PublishWeights(4, payloads[4]));
        await EventuallyAsync(() => Task.FromResult(received.Count), n => n >= 2, Wait, n => $"{n} versions received");
        payloads[5] = Payload(5, 5);
        payloads[6] = Payload(5, 6);
        publisher.Tell(new PublishWeights(5, payloads[5]));
        publisher.Tell(new PublishWeights(6, payloads[6]));
        await EventuallyAsync(() => Task.FromResult(received.Last().Version), v => v == 6, Wait, v => $"last version {v}");

        var versions = received.Select(r => r.Version).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.All(received, r => Assert.Equal(payloads[r.Version], r.Payload));
        var status = await receiver.Ask<WeightsReceiverStatus>(GetWeightsStatus.Instance, Wait);
        Assert.Equal((6L, 0L), (status.Delivered, status.Corrupt));
    }

    public void Dispose()
    {
        _learnerDir.Dispose();
        _robotDir.Dispose();
    }
}
