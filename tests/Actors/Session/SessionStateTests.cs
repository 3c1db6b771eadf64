using RobotActors.Actors.Protocol.Wire;
using RobotActors.Actors.Session;
using static RobotActors.Actors.Tests.Session.SessionSteps;

namespace RobotActors.Actors.Tests.Session;

/// <summary>The session's state as a pure function of its events, without an actor system.</summary>
public sealed class SessionStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static SessionState Fold(IEnumerable<ISessionEvent> events) => events.Aggregate(SessionState.Empty("arm"), (s, e) => s.Apply(e));

    [Fact]
    public void Episode_figures_come_from_its_steps_and_the_history_keeps_every_episode()
    {
        var events = new List<ISessionEvent>
        {
            new SessionStarted(1, "arm", "push_cube", 10, T0),
            new EpisodeStarted(0, 1, 0, T0),
            new StepsRecorded(0, [Step(0, 0, reward: 0), Step(0, 1, intervention: true, reward: 0.5f)]),
            new InterventionMarked(0, 1, true, T0),
            new StepsRecorded(2, [Step(0, 2, intervention: true), Step(0, 3, reward: 1, done: true)]),
            new InterventionMarked(0, 3, false, T0),
        };
        var open = Fold(events);
        Assert.Equal(4, open.Open!.Length);
        Assert.Equal(1.5, open.Open.Return, 6);
        Assert.Equal(0.5, open.Open.InterventionRate, 6);
        Assert.Equal(1, open.Open.Interventions);
        Assert.Equal(4, open.StepCount);

        var ended = open.EndOpen(EpisodeOutcome.Success, T0.AddSeconds(2));
        Assert.Equal((0, 1.5, 4, 0.5), (ended.Episode, ended.Return, ended.Length, ended.InterventionRate));
        events.Add(ended);
        events.Add(new PolicyVersionApplied(3, 1, 0, T0));
        events.Add(new EpisodeStarted(1, 1, 3, T0));
        events.Add(new StepsRecorded(4, [Step(1, 0), Step(1, 1, truncated: true)]));
        var state = Fold(events);
        state = state.Apply(state.EndOpen(EpisodeOutcome.TimeLimit, T0)).Apply(new SessionStopped(1, T0));

        Assert.Null(state.Current);
        Assert.Null(state.Open);
        Assert.Equal(2, state.NextEpisode);
        Assert.Equal(6, state.StepCount);
        Assert.Equal(3, state.PolicyVersion);
        var episodes = state.Episodes.ToList();
        Assert.Equal([EpisodeOutcome.Success, EpisodeOutcome.TimeLimit], episodes.Select(e => e.Outcome));
        Assert.Equal([0L, 4L], episodes.Select(e => e.FirstStepSeqNr));
        Assert.Equal(3, episodes[1].PolicyVersion);
        Assert.Equal((0.5, 0.25, 2), state.Recent());
    }

    [Fact]
    public void A_session_resumed_after_a_crash_ends_the_open_episode_as_interrupted_and_counts_the_resume()
    {
        var state = Fold([
            new SessionStarted(1, "arm", "reach", 30, T0),
            new EpisodeStarted(0, 1, 0, T0),
            new StepsRecorded(0, [Step(0, 0), Step(0, 1)]),
        ]);
        var interrupted = state.EndOpen(EpisodeOutcome.Interrupted, T0);
        Assert.True(interrupted.Truncated);
        Assert.False(interrupted.Success);
        state = state.Apply(interrupted).Apply(new SessionResumed(1, T0));
        Assert.Equal(1, state.Current!.Resumes);
        Assert.Equal(2, state.Episodes.Single().Length);
        Assert.Equal(1, state.NextEpisode);
        // Re-recorded episodes do not count towards the success rate.
        state = state.Apply(new EpisodeStarted(1, 1, 0, T0)).Apply(new EpisodeEnded(1, EpisodeOutcome.Rerecord, 0, 0, 0, T0));
        Assert.Equal(1, state.Recent().Episodes);
    }

    [Fact]
    public void The_snapshot_is_the_state_and_reads_back_equal()
    {
        var state = Fold([
            new SessionStarted(1, "arm", "reach", 30, T0),
            new EpisodeStarted(0, 1, 0, T0),
            new StepsRecorded(0, [Step(0, 0, intervention: true)]),
        ]);
        var bytes = WireFormat.Default.Write(state);
        var back = (SessionState)WireFormat.Default.Read(bytes, WireFormat.Default.ManifestOf(typeof(SessionState)));
        Assert.Equal(state.Open, back.Open);
        Assert.Equal(state.StepCount, back.StepCount);
        Assert.Equal(state.Sessions[0] with { Episodes = [] }, back.Sessions[0] with { Episodes = [] });
        // Folding the same later events onto either gives the same result.
        var later = new StepsRecorded(1, [Step(0, 1)]);
        Assert.Equal(state.Apply(later).Open, back.Apply(later).Open);
    }

    [Fact]
    public void Steps_with_no_open_episode_are_a_corrupt_journal_not_silently_dropped()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Fold([new SessionStarted(1, "arm", "reach", 30, T0), new StepsRecorded(0, [Step(0, 0)])]));
        Assert.Contains("no open episode", ex.Message);
    }
}
