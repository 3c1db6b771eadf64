using Akka.Actor;
using RobotActors.Actors.Control;
using RobotActors.Actors.Learner;
using RobotActors.Actors.Session;
using static RobotActors.Actors.Tests.Transitions.LoopbackCluster;

namespace RobotActors.Actors.Tests.Control;

/// <summary>
/// Two simulated robots on one node feed the one learner: each runs its own session (own workcell, own journal),
/// and the learner's buffer takes the steps of both.
/// </summary>
public sealed class TwoRobotSessionTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);
    private static readonly string[] Robots = ["left", "right"];
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Two_simulated_robots_on_one_node_feed_one_learner_and_their_episodes_are_journaled_apart()
    {
        var node = await SessionConfigs.StartSimNodeAsync(_dir.Path, Robots, extra: "robotactors.weights.push-interval = 1s");
        await using var _ = node;
        var robots = await node.System.ActorSelection("/user/robots").ResolveOne(Wait);

        foreach (var robot in Robots)
        {
            var started = await robots.Ask<ControlReply>(new StartControl(robot, null), Wait);
            Assert.True(started.Ok, $"{robot}: {started.Text}");
        }
        foreach (var robot in Robots)
            await EventuallyAsync(() => robots.Ask<SessionStatus>(new GetSessionStatus(robot), Wait), s => s.EpisodesFinished >= 2, Wait,
                s => $"{robot}: {s.EpisodesFinished} episodes");
        foreach (var robot in Robots)
            Assert.True((await robots.Ask<ControlReply>(new StopControl(robot), Wait)).Ok);

        var durable = new Dictionary<string, long>();
        foreach (var robot in Robots)
        {
            var session = await robots.Ask<SessionStatus>(new GetSessionStatus(robot), Wait);
            Assert.False(session.Active);
            Assert.Equal(robot, session.RobotId);
            var history = await robots.Ask<SessionHistory>(new GetSessionHistory(robot), Wait);
            Assert.Equal(robot, history.RobotId);
            var episodes = history.Sessions.SelectMany(s => s.Episodes).ToList();
            // Each journal holds its own robot's steps only: its episodes add up to exactly what it made durable.
            Assert.Equal(session.DurableSteps, episodes.Sum(e => (long)e.Length));
            Assert.True(episodes.Count >= 2, $"{robot}: {episodes.Count} episodes");
            durable[robot] = session.DurableSteps;
        }
        Assert.All(durable.Values, d => Assert.True(d > 0));

        // Every durable step of both robots reaches the one learner as a transition, the last step of the episode the
        // stop cut off included (it goes out truncated, with its next observation).
        var proxy = LearnerSingleton.Proxy(node.System);
        var total = durable.Values.Sum();
        var learner = await EventuallyAsync(() => proxy.Ask<LearnerStatus>(GetLearnerStatus.Instance, Wait),
            s => s.InteractionStep + s.UnpairedSteps >= total, Wait,
            s => $"learner has {s.InteractionStep} transitions + {s.UnpairedSteps} unpaired of {total} durable steps ({string.Join(", ", durable)})");
        Assert.Equal((total, 0L), (learner.InteractionStep, learner.UnpairedSteps));
        Assert.True(learner.InteractionStep > Math.Max(durable["left"], durable["right"]),
            $"the learner's {learner.InteractionStep} transitions must come from both robots ({string.Join(", ", durable)})");
    }

    public void Dispose() => _dir.Dispose();
}
