using System.Diagnostics;
using RobotActors.Datasets.Images;
using RobotActors.Policies.Configs;
using TorchSharp;

namespace RobotActors.Rl.Buffers;

/// <summary>
/// Replay buffer figures for `robotactors bench replay`: memory per transition (the buffer's own count and the
/// process's resident-memory growth while filling it) and add / sample throughput, with HIL-SERL's shapes: two
/// 3×128×128 cameras, an 18-D state, 4 continuous action dimensions and the gripper index.
/// </summary>
public static class ReplayBenchmark
{
    public sealed record Figures(
        int Transitions, int EpisodeLength, double BytesPerTransition, double ResidentBytesPerTransition, double MarginalResidentBytesPerTransition, double AddsPerSecond,
        int BatchSize, double BatchesPerSecondWithDrq, double BatchesPerSecondWithoutDrq, int ExplicitNextFrames);

    public static readonly string[] Cameras = ["observation.images.front", "observation.images.wrist"];
    public const int ImageSize = 128, StateDim = 18, ActionDim = 5;

    /// <summary>What LeRobot's buffer holds per transition with these cameras: float32 frames for the state and the next state.</summary>
    public const long LeRobotBytesPerTransition = 2L * 2 * 3 * ImageSize * ImageSize * sizeof(float);

    public static Figures Measure(int transitions, int episodeLength, int batchSize, int batches, int seed = 0)
    {
        var random = new Random(seed);
        // A pool of distinct frames, so consecutive observations differ as a camera's do.
        var pool = Enumerable.Range(0, 64).Select(_ =>
        {
            var pixels = new byte[ImageSize * ImageSize * 3];
            random.NextBytes(pixels);
            return new ImageFrame(ImageSize, ImageSize, 3, pixels);
        }).ToArray();
        Observation Observe(int id) => new(
            new Dictionary<string, float[]> { [PolicyKeys.ObservationState] = Enumerable.Range(0, StateDim).Select(i => (float)(id + i)).ToArray() },
            Cameras.Select((c, k) => (c, pool[(id * 2 + k) % pool.Length])).ToDictionary(p => p.c, p => p.Item2));

        // Warm up (libtorch's code, the JIT) on a throwaway buffer, so the growth measured below is the storage's.
        var warm = new ReplayBuffer(2, seed);
        for (var i = 0; i < 3; i++) warm.Add(new Transition(Observe(i), new float[ActionDim], 0, false, i == 1, Observe(i + 1)));
        using (torch.NewDisposeScope()) warm.Sample(2);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var residentBefore = Environment.WorkingSet;
        var buffer = new ReplayBuffer(transitions, seed);
        var clock = Stopwatch.StartNew();
        var id = 0;
        long residentHalf = 0;
        for (var n = 0; n < transitions; n++)
        {
            if (n == transitions / 2)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                residentHalf = Environment.WorkingSet;
            }
            var end = (n + 1) % episodeLength == 0;
            var episode = n / episodeLength;
            // Episodes end alternately on success and on the time limit; the next episode starts from a new frame.
            buffer.Add(new Transition(Observe(id), new float[ActionDim], 0, end && episode % 2 == 0, end && episode % 2 == 1, Observe(id + 1)));
            id += end ? 2 : 1;
        }
        var addSeconds = clock.Elapsed.TotalSeconds;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var residentAfter = Environment.WorkingSet;

        double BatchesPerSecond(ReplayBuffer source)
        {
            using (torch.NewDisposeScope()) source.Sample(batchSize);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < batches; i++)
                using (torch.NewDisposeScope()) source.Sample(batchSize);
            return batches / watch.Elapsed.TotalSeconds;
        }
        var withDrq = BatchesPerSecond(buffer);
        var plain = new ReplayBuffer(Math.Min(transitions, 2_000), seed, useDrq: false);
        foreach (var t in buffer.Transitions().Take(plain.Capacity)) plain.Add(t);
        var withoutDrq = BatchesPerSecond(plain);
        return new Figures(transitions, episodeLength, buffer.BytesPerTransition, (double)(residentAfter - residentBefore) / transitions,
            (double)(residentAfter - residentHalf) / (transitions - transitions / 2),
            transitions / addSeconds, batchSize, withDrq, withoutDrq, buffer.ExplicitNextFrames);
    }
}
