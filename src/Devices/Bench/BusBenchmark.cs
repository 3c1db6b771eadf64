using System.Diagnostics;
using RobotActors.Devices.Feetech;
using RobotActors.Devices.Motors;

namespace RobotActors.Devices.Bench;

/// <summary>Figures of a bus benchmark: one cycle = a sync read of N positions + a sync write of N goals.</summary>
public sealed record BusBenchmarkResult(int Motors, long Cycles, double Seconds, double CyclesPerSecond,
    double P50Ms, double P99Ms, double MaxMs, int BytesPerCycle, double WireMsAt1Mbps, string Statistics);

/// <summary>
/// The control-loop cycle of a teleoperated arm, measured: read every present position, write
/// every goal. Goals are the positions just read, so a real arm holds still while it runs.
/// </summary>
public static class BusBenchmark
{
    public static BusBenchmarkResult Run(MotorsBus bus, IReadOnlyList<int> ids, TimeSpan duration, int warmupCycles = 200)
    {
        var present = FeetechTables.Sts["Present_Position"];
        var goal = FeetechTables.Sts["Goal_Position"];
        if (bus is not FeetechBus)
            throw new NotSupportedException("bench bus measures Feetech (STS) buses.");
        var writes = new (int, int)[ids.Count];
        // Retries as a control loop would use them (LeRobot's num_read_retries=2); any shows in the counters.
        void Cycle()
        {
            var values = bus.SyncReadRaw(present.Address, present.Size, ids, numRetry: 2);
            for (var i = 0; i < ids.Count; i++) writes[i] = (ids[i], values[i]);
            bus.SyncWriteRaw(goal.Address, goal.Size, writes);
        }
        for (var i = 0; i < warmupCycles; i++) Cycle();
        var samples = new List<double>(100_000);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var start = Stopwatch.GetTimestamp();
            Cycle();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        samples.Sort();
        double Pct(double p) => samples[Math.Min(samples.Count - 1, (int)(p * samples.Count))];
        // Request (6 + 2 + N) + N replies of (6 + 2) + sync write (4 + 4 + 3N)... computed from the real packets:
        var request = FeetechPacket.SyncRead((byte)present.Address, (byte)present.Size, ids.Select(i => (byte)i).ToArray()).Length;
        var replies = ids.Count * (6 + present.Size);
        var write = FeetechPacket.SyncWrite((byte)goal.Address, (byte)goal.Size, ids.Select(i => ((byte)i, new byte[goal.Size])).ToList()).Length;
        var bytes = request + replies + write;
        return new BusBenchmarkResult(ids.Count, samples.Count, seconds, samples.Count / seconds,
            Pct(0.5), Pct(0.99), samples[^1], bytes, bytes * 10 / 1_000_000.0 * 1000, bus.Statistics.ToString());
    }
}
