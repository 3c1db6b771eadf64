using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using RobotActors.Actors.Configuration;
using RobotActors.Actors.Hosting;
using RobotActors.Actors.Protocol;
using RobotActors.Actors.Session;
using RobotActors.Actors.Transitions;
using RobotActors.Actors.Weights;
using RobotActors.Datasets.Images;
using RobotActors.Rl.Training;

namespace RobotActors.Actors.Benchmarks;

public sealed record RuntimeBenchmarkOptions(int Fps = 30, int Seconds = 10, int Cameras = 2, int ImageSize = 128, int FloodSteps = 1000,
    int WeightsMegabytes = 8, int WeightsPushes = 10);

public sealed record RuntimeBenchmarkResult(
    int Steps, long StepBytes, long JournalBytesPerStep, Percentiles TickToDurable, long LateSteps, Percentiles StepToInbox,
    double FloodStepsPerSecond, int WeightsBytes, Percentiles PublishToReceive, int WeightsVersionsReceived);

/// <summary>
/// The runtime's paths measured on two nodes of one process on loopback (a robot node and a learner node, real
/// remoting, real serializer, each its own journal): steps at a fixed rate into the session journal (tick to
/// durable), through the transition feed to the learner's inbox (tick to inbox), a flood of steps (journal
/// throughput), and weights pushes of several MB (publish to receive).
/// </summary>
public static class RuntimeBenchmark
{
    private const string Robot = "bench";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    public static async Task<RuntimeBenchmarkResult> RunAsync(RobotActorsSettings template, string root, RuntimeBenchmarkOptions o, Action<string> progress)
    {
        var learnerSettings = template with
        {
            DataDir = Path.Combine(root, "learner"), LogLevel = "WARNING", Robots = [],
            Node = template.Node with { Port = 0, Roles = ["learner"], SeedNodes = [] },
        };
        await using var learner = RobotActorsNode.Start(learnerSettings, "bench");
        await learner.WaitUntilUpAsync(Wait);
        var robotSettings = learnerSettings with
        {
            DataDir = Path.Combine(root, "robot"),
            Node = learnerSettings.Node with { Roles = ["robot"], SeedNodes = [new SeedNode("127.0.0.1", learner.Address.Port!.Value)] },
        };
        await using var robot = RobotActorsNode.Start(robotSettings, "bench");
        await robot.WaitUntilUpAsync(Wait);
        while (Cluster.Get(learner.System).State.Members.Count(m => m.Status == MemberStatus.Up) < 2) await Task.Delay(50);

        var atInbox = new ConcurrentBag<double>();
        var inboxed = 0L;
        var subscriber = learner.System.ActorOf(Props.Create(() => new InboxTimes(atInbox, () => Interlocked.Increment(ref inboxed))));
        learner.System.ActorOf(TransitionInbox.Props(template.Transitions, subscriber), "transitions");
        var session = robot.System.ActorOf(SessionActor.Props(Robot, template.Session,
            TransitionFeeder.Props(SessionActor.PersistenceIdFor(Robot), template.Transitions)), "session-" + Robot);
        await session.Ask<SessionStatus>(new StartSession(Robot, "bench", o.Fps), Wait);
        var episode = (await session.Ask<EpisodeOpened>(new StartEpisode(Robot), Wait)).Episode;

        // 1. Real time: one step per tick, as a control loop sends them.
        var steps = o.Fps * o.Seconds;
        var ticks = new DateTimeOffset[steps];
        var durableAt = new DateTimeOffset[steps];
        var acked = new TaskCompletionSource();
        var loop = robot.System.ActorOf(Props.Create(() => new AckTimes(durableAt, steps - 1, acked)));
        var journal = Path.Combine(robotSettings.DataPath, template.Journal.Sqlite.JournalFile);
        var journalBefore = FileBytes(journal);
        progress($"{steps} steps at {o.Fps} Hz with {o.Cameras} cameras {o.ImageSize}x{o.ImageSize} ...");
        var clock = Stopwatch.StartNew();
        StepRecord? last = null;
        for (var i = 0; i < steps; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / o.Fps) - clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due);
            last = Step(episode, i, o);
            ticks[i] = last.TickTime;
            session.Tell(new RecordStep(Robot, last), loop);
        }
        await acked.Task.WaitAsync(Wait);
        while (Interlocked.Read(ref inboxed) < steps) await Task.Delay(20);
        var status = await session.Ask<SessionStatus>(new GetSessionStatus(Robot), Wait);
        var journalBytes = (FileBytes(journal) - journalBefore) / steps;
        var tickToDurable = Percentiles.Of(Enumerable.Range(0, steps).Select(i => (durableAt[i] - ticks[i]).TotalMilliseconds));
        var toInbox = Percentiles.Of(atInbox);

        // 2. Flood: steps as fast as they can be sent; durable steps per second.
        progress($"{o.FloodSteps} steps as fast as they come ...");
        await session.Ask<EpisodeClosed>(new EndEpisode(Robot, episode, EpisodeOutcome.Success), Wait);
        var flood = (await session.Ask<EpisodeOpened>(new StartEpisode(Robot), Wait)).Episode;
        var floodDone = new TaskCompletionSource();
        var floodLoop = robot.System.ActorOf(Props.Create(() => new AckTimes(new DateTimeOffset[o.FloodSteps], o.FloodSteps - 1, floodDone)));
        var template0 = Step(flood, 0, o);
        var floodClock = Stopwatch.StartNew();
        for (var i = 0; i < o.FloodSteps; i++)
            session.Tell(new RecordStep(Robot, template0 with { Index = i, TickTime = DateTimeOffset.UtcNow }), floodLoop);
        await floodDone.Task.WaitAsync(Wait);
        var floodRate = o.FloodSteps / floodClock.Elapsed.TotalSeconds;

        // 3. Weights: pushes of several MB, each received whole by the robot.
        progress($"{o.WeightsPushes} weights pushes of {o.WeightsMegabytes} MB ...");
        var publisher = learner.System.ActorOf(WeightsPublisher.Props(template.Weights), "weights");
        var received = new ConcurrentQueue<WeightsReceived>();
        robot.System.ActorOf(WeightsReceiver.Props(robot.System.ActorOf(Props.Create(() => new WeightsTimes(received))), template.Weights), "weights");
        await Task.Delay(1000); // the receiver subscribes
        var payload = new byte[o.WeightsMegabytes << 20];
        new Random(1).NextBytes(payload);
        for (var v = 1; v <= o.WeightsPushes; v++)
        {
            publisher.Tell(new PublishWeights(v, payload));
            var deadline = Stopwatch.StartNew();
            while (received.LastOrDefault()?.Version != v && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(5);
        }
        var publishToReceive = Percentiles.Of(received.Select(r => (r.ReceivedAt - r.PublishedAt).TotalMilliseconds));

        return new RuntimeBenchmarkResult(steps, last!.ByteCount, journalBytes, tickToDurable, status.LateSteps, toInbox, floodRate,
            payload.Length, publishToReceive, received.Count);
    }

    private static long FileBytes(string journal) =>
        new[] { journal, journal + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);

    private static StepRecord Step(int episode, int index, RuntimeBenchmarkOptions o)
    {
        var images = new Dictionary<string, ImageFrame>();
        for (var c = 0; c < o.Cameras; c++)
        {
            var pixels = new byte[o.ImageSize * o.ImageSize * 3];
            Random.Shared.NextBytes(pixels);
            images[c == 0 ? "observation.images.front" : $"observation.images.cam{c}"] = new ImageFrame(o.ImageSize, o.ImageSize, 3, pixels);
        }
        var observation = new Observation(new Dictionary<string, float[]> { ["observation.state"] = new float[18], ["observation.environment_state"] = new float[3] }, images);
        return new StepRecord(episode, index, observation, new float[4], 0, false, false, false, 0, 0, DateTimeOffset.UtcNow);
    }

    private sealed class AckTimes : ReceiveActor
    {
        private int _next;

        public AckTimes(DateTimeOffset[] durableAt, int last, TaskCompletionSource done) => Receive<StepsAcknowledged>(a =>
        {
            var now = DateTimeOffset.UtcNow;
            for (; _next <= a.UpToIndex && _next < durableAt.Length; _next++) durableAt[_next] = now;
            if (a.UpToIndex >= last) done.TrySetResult();
        });
    }

    private sealed class InboxTimes : ReceiveActor
    {
        public InboxTimes(ConcurrentBag<double> times, Action counted) => Receive<TransitionsAccepted>(a =>
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var step in a.Steps)
            {
                times.Add((now - step.TickTime).TotalMilliseconds);
                counted();
            }
        });
    }

    private sealed class WeightsTimes : ReceiveActor
    {
        public WeightsTimes(ConcurrentQueue<WeightsReceived> received) => Receive<WeightsReceived>(received.Enqueue);
    }
}
