using System.Diagnostics;
using RobotActors.Devices;
using RobotActors.Rl.Env;
using RobotActors.Rl.Recording;

namespace RobotActors.Rl.Rollout;

/// <summary>lerobot-rollout's --strategy.type: base (one run, no recording) or episodic (episodes with a reset between).</summary>
public enum RolloutStrategy { Base, Episodic }

public sealed record RolloutOptions
{
    public RolloutStrategy Strategy { get; init; } = RolloutStrategy.Base;
    /// <summary>Total run time (lerobot-rollout's --duration; null: until cancelled).</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Episodic: how many episodes (null: until the duration or cancellation).</summary>
    public int? Episodes { get; init; }
    /// <summary>Episodic: the arm goes back to where it started (or fixed_reset_joint_positions) before each episode after the first.</summary>
    public bool ResetToInitialPosition { get; init; } = true;
    public int Seed { get; init; } = 1000;
}

/// <summary>What a rollout did: ticks, the control period actually kept, holds, episodes, how far the joints moved, and the safety counters.</summary>
public sealed record RolloutReport(long Ticks, int Episodes, int Successes, long Holds, double Seconds, double PeriodP50Ms, double PeriodP99Ms,
    double PeriodMaxMs, double BusyP50Ms, double BusyP99Ms, long Overruns, long ReadFailures, double MaxJointTravelDeg,
    long LimitClamps, long StepClamps, long NonFinite)
{
    public override string ToString() =>
        $"ticks={Ticks} episodes={Episodes} successes={Successes} holds={Holds} seconds={Seconds:F1} period_p50={PeriodP50Ms:F1}ms period_p99={PeriodP99Ms:F1}ms " +
        $"period_max={PeriodMaxMs:F1}ms busy_p50={BusyP50Ms:F1}ms busy_p99={BusyP99Ms:F1}ms overruns={Overruns} read_failures={ReadFailures} " +
        $"joint_travel_max={MaxJointTravelDeg:F1}deg safety: limit_clamps={LimitClamps} step_clamps={StepClamps} non_finite={NonFinite}";
}

/// <summary>
/// A policy driving a robot at the env's rate through the one control-step pipeline (observation → env processor →
/// policy → action processor → safety → bus goal), as lerobot-rollout does. A tick the policy has no action for
/// holds the arm (nothing is written; the servos keep their last safe goal). A failed bus exchange or a stalled
/// camera frame skips the tick (counted as a read failure); <see cref="MaxConsecutiveFailures"/> in a row end the run.
/// The loop measures the period it kept, tick start to tick start.
/// </summary>
public sealed class RolloutLoop(GymManipulatorEnv env, IRolloutPolicy policy, IReadOnlyList<string> actionNames)
{
    public int MaxConsecutiveFailures { get; init; } = 10;

    /// <param name="onTick">After every tick: its index, the step, whether it held; false stops the rollout.</param>
    public RolloutReport Run(RolloutOptions options, CancellationToken cancel, Action<int>? onEpisodeStart = null,
        Func<long, StepResult, bool, bool>? onTick = null)
    {
        var pipeline = env.Pipeline;
        var clock = Stopwatch.StartNew();
        var periods = new List<double>();
        var busy = new List<double>();
        long tick = 0, holds = 0, failures = 0;
        int episodes = 0, successes = 0, consecutive = 0;
        var start = pipeline.Io.Read(false).Joints;
        var initial = pipeline.Io.MotorNames.Select(m => start[m + ".pos"]).ToArray();
        var travel = 0.0;
        var last = new float[actionNames.Count];
        var stop = false;
        TimeSpan? previousStart = null;
        while (!stop && !cancel.IsCancellationRequested && !OutOfTime(clock, options) && (options.Episodes is not { } n || episodes < n))
        {
            var observation = StartEpisode(episodes, options, initial);
            policy.Reset();
            onEpisodeStart?.Invoke(episodes);
            episodes++;
            var success = false;
            while (!cancel.IsCancellationRequested && !OutOfTime(clock, options))
            {
                var tickStart = clock.Elapsed;
                if (previousStart is { } p) periods.Add((tickStart - p).TotalMilliseconds);
                previousStart = tickStart;
                StepResult step;
                bool held;
                var ticked = false;
                try
                {
                    var action = policy.Act(tick, observation, pipeline);
                    held = action is null;
                    if (action is null)
                    {
                        holds++;
                        pipeline.Hold(last);
                    }
                    else
                    {
                        pipeline.Act(action);
                        last = action;
                    }
                    busy.Add((clock.Elapsed - tickStart).TotalMilliseconds);
                    env.Clock.Tick(env.Period);
                    ticked = true;
                    step = pipeline.Observe();
                    consecutive = 0;
                }
                catch (Exception e) when ((e is MotorBusCommunicationException or TimeoutException) && ++consecutive < MaxConsecutiveFailures)
                {
                    // a failed bus exchange or a stalled camera frame: this tick is skipped (the servos keep their goal)
                    // and the next one comes a period later, so a short stall is ridden out and a long one still ends the run
                    failures++;
                    if (!ticked) env.Clock.Tick(env.Period);
                    tick++;
                    continue;
                }
                tick++;
                observation = step.Next;
                foreach (var (key, value) in step.Next.Joints)
                    if (start.TryGetValue(key, out var from)) travel = Math.Max(travel, Math.Abs(value - from));
                success |= step.Task?.Success ?? false;
                if (onTick is not null && !onTick(tick - 1, step, held))
                {
                    stop = true;
                    break;
                }
                // base: one run whatever the task says; episodic: an episode ends on done, success or the time limit
                if (options.Strategy == RolloutStrategy.Episodic && step.EpisodeOver) break;
            }
            if (success) successes++;
            if (options.Strategy == RolloutStrategy.Base) break;
        }
        double Pct(List<double> values, double q)
        {
            if (values.Count == 0) return 0;
            values.Sort();
            return values[Math.Min(values.Count - 1, (int)(q * values.Count))];
        }
        var safety = pipeline.Safety;
        return new RolloutReport(tick, episodes, successes, holds, clock.Elapsed.TotalSeconds, Pct(periods, 0.5), Pct(periods, 0.99),
            periods.Count == 0 ? 0 : periods.Max(), Pct(busy, 0.5), Pct(busy, 0.99), (env.Clock as RealTimeClock)?.Overruns ?? 0, failures, travel,
            safety.LimitClampCount, safety.StepClampCount, safety.NonFiniteCount);
    }

    private static bool OutOfTime(Stopwatch clock, RolloutOptions options) => options.Duration is { } d && clock.Elapsed >= d;

    /// <summary>
    /// The first episode starts where the arm is (a simulated world places its scene first); a later episodic one
    /// goes back to fixed_reset_joint_positions or, without them, to where the rollout started (LeRobot's
    /// reset_to_initial_position), then waits the env's reset time.
    /// </summary>
    private EnvObservation StartEpisode(int index, RolloutOptions options, double[] initial)
    {
        var seed = EpisodeRecording.EpisodeSeed(options.Seed, index);
        if (index == 0) return env.World is null ? env.Pipeline.Reset() : env.Reset(seed, waitResetTime: false);
        if (options.ResetToInitialPosition && env.World is null && env.Config.Processor.Reset.FixedResetJointPositions is null) env.MoveTo(initial);
        return env.Reset(seed, waitResetTime: env.World is null);
    }
}
