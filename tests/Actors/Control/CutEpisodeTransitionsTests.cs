using Akka.Actor;
using RobotActors.Actors.Control;
using RobotActors.Actors.Learner;
using RobotActors.Actors.Session;
using static RobotActors.Actors.Tests.Transitions.LoopbackCluster;

namespace RobotActors.Actors.Tests.Control;

/// <summary>
/// An episode cut by `session pause` or `session stop` loses no transition: its last step goes out truncated with
/// its next observation, so the learner pairs every step the robot made durable (before, the last step of each cut
/// episode waited for a successor that never came and was counted unpaired).
/// </summary>
public sealed class CutEpisodeTransitionsTests : IDisposable
{
    private const string Robot = "arm";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);
    private readonly TempDir _dir = new();

    [Fact]
    public async Task A_paused_and_a_stopped_episode_each_give_the_learner_one_transition_per_step()
    {
        // Episodes of an hour: only the pause and the stop end them (unless the task ends one first, which pairs too).
        var config = SessionConfigs.WritePushState(_dir.Path, controlTimeS: 3600, onlineStepBeforeLearning: 1_000_000);
        var node = await SessionConfigs.StartSimNodeAsync(_dir.Path, Robot, config);
        await using var _ = node;
        var robots = await node.System.ActorSelection("/user/robots").ResolveOne(Wait);
        var proxy = LearnerSingleton.Proxy(node.System);
        Task<SessionStatus> Session() => robots.Ask<SessionStatus>(new GetSessionStatus(Robot), Wait);
        Task<LearnerStatus> Learner() => proxy.Ask<LearnerStatus>(GetLearnerStatus.Instance, Wait);
        async Task<List<EpisodeSummary>> Episodes() =>
            (await robots.Ask<SessionHistory>(new GetSessionHistory(Robot), Wait)).Sessions.SelectMany(s => s.Episodes).ToList();
        async Task<LearnerStatus> PairedAsync(long steps) => await EventuallyAsync(Learner, s => s.InteractionStep + s.UnpairedSteps >= steps, Wait,
            s => $"learner has {s.InteractionStep} transitions + {s.UnpairedSteps} unpaired of {steps} durable steps");

        Assert.True((await robots.Ask<ControlReply>(new StartControl(Robot, null), Wait)).Ok);
        await EventuallyAsync(Session, s => s.DurableSteps >= 20, Wait, s => $"{s.DurableSteps} durable steps");

        // Paused mid-episode: the episode ends interrupted, and every one of its steps is a transition at the learner.
        Assert.True((await robots.Ask<ControlReply>(new PauseControl(Robot), Wait)).Ok);
        var paused = await EventuallyAsync(Session, s => s.OpenEpisode is null && s.PendingSteps == 0, Wait, s => $"open episode {s.OpenEpisode}, {s.PendingSteps} pending");
        var first = await Episodes();
        Assert.Equal(paused.DurableSteps, first.Sum(e => (long)e.Length));
        Assert.Equal(EpisodeOutcome.Interrupted, first[^1].Outcome);
        var learner = await PairedAsync(paused.DurableSteps);
        Assert.Equal((paused.DurableSteps, 0L), (learner.InteractionStep, learner.UnpairedSteps));

        // Resumed, then stopped mid-episode: the same for the stopped episode.
        Assert.True((await robots.Ask<ControlReply>(new ResumeControl(Robot), Wait)).Ok);
        await EventuallyAsync(Session, s => s.DurableSteps >= paused.DurableSteps + 20, Wait, s => $"{s.DurableSteps} durable steps");
        Assert.True((await robots.Ask<ControlReply>(new StopControl(Robot), Wait)).Ok);
        var stopped = await Session();
        Assert.False(stopped.Active);
        var all = await Episodes();
        Assert.Equal(stopped.DurableSteps, all.Sum(e => (long)e.Length));
        Assert.Equal(EpisodeOutcome.Interrupted, all[^1].Outcome);
        Assert.True(all[^1].Length > 0);
        learner = await PairedAsync(stopped.DurableSteps);
        Assert.Equal((stopped.DurableSteps, 0L), (learner.InteractionStep, learner.UnpairedSteps));
    }

    public void Dispose() => _dir.Dispose();
}
