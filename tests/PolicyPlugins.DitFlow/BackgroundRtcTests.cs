using RobotActors.Policies.Configs;
using RobotActors.Policies.Rtc;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RobotActors.Plugins.DitFlow.Tests;

/// <summary>
/// Real-Time Chunking with the chunk computed on the background inference thread (<see cref="BackgroundChunkRunner"/>,
/// what `rollout --inference.type=rtc` runs), on the offset-ramp task of <see cref="RtcBoundaryTests"/>: a trained
/// dit_flow whose chunks disagree at every boundary unless they are guided. The inference thread is held by a gate
/// this test opens: a chunk asked for at tick r is not computed before the control loop has run ticks r .. r+D-1, and
/// the loop then waits (in the test, not in the runner) until it has come back, so every chunk takes exactly D ticks
/// however slow the machine is. A runner that waited for its chunk inside a tick would deadlock on that gate.
/// </summary>
public class BackgroundRtcTests(ITestOutputHelper log)
{
    private const int Delay = 2; // ticks a chunk takes; the queue holds more when the next one starts, so it never runs dry
    private const int Episodes = 4;
    private const int BoundariesPerEpisode = 4;
    private const int Threshold = RtcBoundaryTests.Chunk - RtcBoundaryTests.ActionSteps; // actions left when the next chunk starts

    private sealed record Run(BackgroundChunkFigures Figures, long TicksWithoutAction, long TicksAfterStartup);

    private static Run Drive(IRealTimeChunkingPolicy policy, bool guided, int delay = Delay)
    {
        using var gate = new SemaphoreSlim(0);
        var gateTimedOut = false;
        using var runner = new BackgroundChunkRunner(policy, postprocess: null, queueThreshold: Threshold,
            guided, beforeInference: _ => gateTimedOut |= !gate.Wait(TimeSpan.FromSeconds(20)));
        void LetChunkThrough()
        {
            gate.Release();
            // SpinUntil yields and sleeps between looks: a busy loop here would take the core the inference thread needs.
            Assert.True(SpinWait.SpinUntil(() => runner.ChunkArrived, TimeSpan.FromSeconds(20)), "the chunk never came back");
        }
        var random = new Random(11);
        torch.manual_seed(5); // only the inference thread draws noise, one chunk at a time: a fixed sequence
        long withoutAction = 0, afterStartup = 0;
        for (var episode = 0; episode < Episodes; episode++)
        {
            runner.Reset();
            var phase = (float)(0.1 * random.NextDouble());
            long? asked = null;
            var started = false;
            for (long tick = 0; runner.Figures.Chunks < (episode + 1) * (BoundariesPerEpisode + 1); tick++)
            {
                var requests = runner.Figures.Requests;
                var p = phase;
                using var scope = torch.NewDisposeScope();
                var action = runner.Next(tick, () => new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.tensor(new[] { p }).reshape(1, 1) });
                if (runner.Figures.Requests > requests) asked = tick;
                started |= action is not null;
                if (started)
                {
                    afterStartup++;
                    if (action is null) withoutAction++;
                }
                phase += RtcBoundaryTests.PhaseStep; // time goes on whether the arm moved or held
                if (asked is { } r && tick == r + delay - 1)
                {
                    // The chunk asked at r may be computed now; it is merged at the start of tick r + delay.
                    LetChunkThrough();
                    asked = null;
                }
                Assert.True(tick < 1000, $"the chunks stopped coming: episode {episode}, {runner.Figures}");
            }
            // A chunk asked on the episode's last tick comes back after the reset and is dropped there.
            if (asked is not null) LetChunkThrough();
        }
        Assert.False(gateTimedOut, "the inference thread waited 20 s at the gate: the control loop did not get to the tick that opens it");
        return new Run(runner.Figures, withoutAction, afterStartup);
    }

    [Fact]
    public void The_loop_acts_on_every_tick_while_the_next_chunk_is_computed_and_rtc_joins_chunks_within_the_policys_own_motion()
    {
        var (trained, first, last) = RtcBoundaryTests.TrainOffsetRampPolicy();
        using var _ = trained;
        var policy = (IRealTimeChunkingPolicy)trained;

        var without = Drive(policy, guided: false);
        // ONES: the whole leftover pulls with weight 1. Under LeRobot's default LINEAR fade the step the robot executes
        // first from a new chunk (index D) already has weight (H - D) / (H - D + 1), 2/3 here: 0.33 largest jump, 0.14 mean.
        policy.RtcConfig.PrefixAttentionSchedule = "ONES";
        var with = Drive(policy, guided: true);
        log.WriteLine($"loss {DitFlowPlugin.F(first)} -> {DitFlowPlugin.F(last)}");
        log.WriteLine($"without RTC: {without.Figures}; ticks without an action after the first chunk {without.TicksWithoutAction} of {without.TicksAfterStartup}");
        log.WriteLine($"with RTC:    {with.Figures}; ticks without an action after the first chunk {with.TicksWithoutAction} of {with.TicksAfterStartup}");

        foreach (var run in new[] { without, with })
        {
            var f = run.Figures;
            Assert.Equal(Episodes * (BoundariesPerEpisode + 1), f.Chunks);
            Assert.Equal(Delay, f.DelayMaxTicks); // every chunk took the D ticks the gate gave it ...
            Assert.Equal(Delay, f.DelayP50Ticks);
            Assert.Equal(0, run.TicksWithoutAction); // ... and meanwhile the loop executed a queued action on every tick
            Assert.Equal(0, f.DryHolds);
            Assert.Equal(Episodes * Delay, f.StartupHolds); // only an episode's first chunk is waited for, holding the arm
            Assert.Equal(Episodes * BoundariesPerEpisode, f.Joins);
        }
        var ownStep = (without.Figures.OwnStepMean + with.Figures.OwnStepMean) / 2;
        Assert.InRange(ownStep, RtcBoundaryTests.Slope * RtcBoundaryTests.PhaseStep * 0.8, RtcBoundaryTests.Slope * RtcBoundaryTests.PhaseStep * 1.2);
        Assert.True(without.Figures.JoinJumpMax > 1.5 * ownStep,
            $"without RTC the largest jump at a chunk boundary, {without.Figures.JoinJumpMax}, is not clearly larger than the policy's own motion {ownStep}");
        Assert.True(with.Figures.JoinJumpMax <= ownStep,
            $"with RTC the largest jump at a chunk boundary, {with.Figures.JoinJumpMax}, exceeds the policy's own step-to-step motion {ownStep}");
        Assert.True(with.Figures.JoinJumpMean < without.Figures.JoinJumpMean / 2,
            $"with RTC the mean jump {with.Figures.JoinJumpMean} is not half of {without.Figures.JoinJumpMean} without");
    }

    [Fact]
    public void When_a_chunk_takes_longer_than_the_queue_lasts_the_loop_holds_for_the_missing_ticks_and_counts_them()
    {
        torch.manual_seed(0);
        using var untrained = DitFlowPlugin.Make(RtcBoundaryTests.OffsetRampConfig()); // what it acts does not matter here
        const int slow = Threshold + 2;
        var run = Drive((IRealTimeChunkingPolicy)untrained, guided: true, delay: slow);
        log.WriteLine($"{run.Figures}; ticks without an action after the first chunk {run.TicksWithoutAction} of {run.TicksAfterStartup}");

        Assert.Equal(slow, run.Figures.DelayMaxTicks);
        Assert.Equal(slow, run.Figures.DelayP50Ticks);
        // Each later chunk starts with Threshold actions queued and lands `slow` ticks later: two ticks held each time,
        // and the loop went on ticking through them (the chunk is merged without skipping what never executed).
        Assert.Equal(Episodes * BoundariesPerEpisode * (slow - Threshold), run.Figures.DryHolds);
        Assert.Equal(run.Figures.DryHolds, run.TicksWithoutAction);
        Assert.Equal(Episodes * slow, run.Figures.StartupHolds);
        Assert.Equal(0, run.Figures.Joins); // the queue was empty at every merge: nothing to join to
    }
}
