using System.Diagnostics;
using RobotActors.Devices.Robots;
using RobotActors.Devices.Safety;

namespace RobotActors.Devices.Teleoperators;

/// <summary>Figures of a teleoperation run.</summary>
public sealed record TeleoperationReport(long Ticks, long Overruns, long ReadFailures, double LoopP50Ms, double LoopP99Ms,
    long NonFinite, long LimitClamps, long StepClamps);

/// <summary>
/// A leader arm driving a follower joint to joint (find-joint-limits): teleoperator action → safety step →
/// robot.send_action, at a fixed rate. Teleoperation in end-effector space, recording and the actors run the
/// shared control pipeline of RobotActors.Rl instead. A failed read skips the tick (counted) and the follower keeps its last safe goal; only
/// <see cref="MaxConsecutiveFailures"/> failures in a row end the run.
/// </summary>
public sealed class TeleoperationLoop(ITeleoperator teleop, Arm robot, SafetyStep safety)
{
    public int MaxConsecutiveFailures { get; init; } = 10;

    public TeleoperationReport Run(int fps, TimeSpan? duration, CancellationToken cancel, Action<long, IReadOnlyDictionary<string, double>>? onTick = null)
    {
        if (fps <= 0) throw new ArgumentOutOfRangeException(nameof(fps), fps, "--fps must be positive.");
        var period = TimeSpan.FromSeconds(1.0 / fps);
        safety.Seed(robot.GetObservation());
        var loopTimes = new List<double>();
        long ticks = 0, overruns = 0, readFailures = 0;
        var consecutive = 0;
        var clock = Stopwatch.StartNew();
        var next = clock.Elapsed;
        while (!cancel.IsCancellationRequested && (duration is null || clock.Elapsed < duration))
        {
            var start = clock.Elapsed;
            try
            {
                var action = teleop.GetAction();
                var safe = safety.Apply(action);
                var sent = robot.SendAction(safe.Action);
                consecutive = 0;
                onTick?.Invoke(ticks, sent);
            }
            catch (MotorBusCommunicationException) when (++consecutive < MaxConsecutiveFailures)
            {
                readFailures++;
            }
            ticks++;
            loopTimes.Add((clock.Elapsed - start).TotalMilliseconds);
            next += period;
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero) Thread.Sleep(wait);
            else { overruns++; next = clock.Elapsed; }
        }
        loopTimes.Sort();
        double Pct(double p) => loopTimes.Count == 0 ? 0 : loopTimes[Math.Min(loopTimes.Count - 1, (int)(p * loopTimes.Count))];
        return new TeleoperationReport(ticks, overruns, readFailures, Pct(0.5), Pct(0.99),
            safety.NonFiniteCount, safety.LimitClampCount, safety.StepClampCount);
    }
}
