using System.Diagnostics;
using RobotActors.Devices;

namespace RobotActors.Rl.Env;

/// <summary>Figures of a control run: ticks, late ticks, failed reads, loop time, and what the safety steps changed.</summary>
public sealed record ControlLoopReport(long Ticks, long Overruns, long ReadFailures, double LoopP50Ms, double LoopP99Ms,
    long NonFinite, long LimitClamps, long StepClamps, long EeNonFinite, long EeBoundsClamps, long EeStepClamps)
{
    public override string ToString() =>
        $"ticks={Ticks} overruns={Overruns} read_failures={ReadFailures} loop_p50={LoopP50Ms:F2}ms loop_p99={LoopP99Ms:F2}ms " +
        $"safety: non_finite={NonFinite} limit_clamps={LimitClamps} step_clamps={StepClamps} " +
        $"ee: non_finite={EeNonFinite} bounds_clamps={EeBoundsClamps} step_clamps={EeStepClamps}";
}

/// <summary>
/// Runs an env's control step at its rate with no policy (teleoperation: the operator's action every tick).
/// A failed bus exchange skips the tick (counted) and the servos keep their last safe goal; only
/// <see cref="MaxConsecutiveFailures"/> failures in a row end the run.
/// </summary>
public sealed class ControlLoop(GymManipulatorEnv env)
{
    public int MaxConsecutiveFailures { get; init; } = 10;

    public ControlLoopReport Run(TimeSpan? duration, CancellationToken cancel, Func<StepResult, bool>? onStep = null)
    {
        var loopTimes = new List<double>();
        long ticks = 0, failures = 0;
        var consecutive = 0;
        var clock = Stopwatch.StartNew();
        var pipeline = env.Pipeline;
        pipeline.Reset();
        while (!cancel.IsCancellationRequested && (duration is null || clock.Elapsed < duration))
        {
            var busy = TimeSpan.Zero;
            try
            {
                var start = clock.Elapsed;
                pipeline.Act(null);
                busy += clock.Elapsed - start;
                env.Clock.Tick(env.Period);
                start = clock.Elapsed;
                var step = pipeline.Observe();
                busy += clock.Elapsed - start;
                consecutive = 0;
                if (onStep is not null && !onStep(step)) break;
            }
            catch (MotorBusCommunicationException) when (++consecutive < MaxConsecutiveFailures)
            {
                failures++;
            }
            ticks++;
            loopTimes.Add(busy.TotalMilliseconds);
        }
        loopTimes.Sort();
        double Pct(double p) => loopTimes.Count == 0 ? 0 : loopTimes[Math.Min(loopTimes.Count - 1, (int)(p * loopTimes.Count))];
        var ee = pipeline.EndEffectorSafety;
        return new ControlLoopReport(ticks, (env.Clock as RealTimeClock)?.Overruns ?? 0, failures, Pct(0.5), Pct(0.99),
            pipeline.Safety.NonFiniteCount, pipeline.Safety.LimitClampCount, pipeline.Safety.StepClampCount,
            ee?.NonFiniteCount ?? 0, ee?.BoundsClampCount ?? 0, ee?.StepClampCount ?? 0);
    }
}
