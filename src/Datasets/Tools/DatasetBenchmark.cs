using System.Diagnostics;
using RobotActors.Datasets.Format;
using RobotActors.Datasets.Images;
using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Training;
using RobotActors.Datasets.Writing;

namespace RobotActors.Datasets.Tools;

public sealed record DatasetBenchmarkResult(long Frames, double WriteFps, double SequentialReadFps, double RandomReadFps, double SizeMb);

/// <summary>
/// `robotactors bench dataset`: records a 2-camera 128×128 dataset with PNG images in Parquet, then reads
/// it back in batches, in order and shuffled, through the prefetching loader (uint8 images, as a trainer
/// gets them before it asks for floats).
/// </summary>
public static class DatasetBenchmark
{
    public static async Task<DatasetBenchmarkResult> RunAsync(string root, int episodes, int framesPerEpisode, int batchSize, int workers)
    {
        const int size = 128;
        var features = new[]
        {
            FeatureSpec.Numeric("observation.state", DTypes.Float32, [6]),
            FeatureSpec.Numeric("action", DTypes.Float32, [6]),
            FeatureSpec.Camera("observation.images.front", size, size),
            FeatureSpec.Camera("observation.images.wrist", size, size),
        };
        // Camera-like content: smooth gradients plus per-frame sensor noise, so PNG has real work to do.
        var random = new Random(1);
        ImageFrame Camera(int seed)
        {
            var px = new byte[size * size * 3];
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    int p = (y * size + x) * 3;
                    px[p] = (byte)(x * 2 + seed);
                    px[p + 1] = (byte)(y * 2 - seed);
                    px[p + 2] = (byte)(random.Next(8) + 100);
                }
            return new ImageFrame(size, size, 3, px);
        }
        var cameraFrames = Enumerable.Range(0, 16).Select(Camera).ToArray();

        var recorder = DatasetRecorder.Create(root, 30, features, "bench");
        var sw = Stopwatch.StartNew();
        for (int e = 0; e < episodes; e++)
        {
            for (int i = 0; i < framesPerEpisode; i++)
            {
                var joints = Enumerable.Range(0, 6).Select(j => MathF.Sin(i * 0.1f + j)).ToArray();
                recorder.AddFrame(new Dictionary<string, object>
                {
                    ["observation.state"] = joints,
                    ["action"] = joints,
                    ["observation.images.front"] = cameraFrames[i % 16],
                    ["observation.images.wrist"] = cameraFrames[(i + 7) % 16],
                }, "bench task");
            }
            await recorder.SaveEpisodeAsync();
        }
        double writeFps = episodes * framesPerEpisode / sw.Elapsed.TotalSeconds;

        double ReadFps(bool shuffle)
        {
            var ds = LeRobotDataset.Open(root);
            var loader = new DatasetLoader(ds, new DatasetLoaderOptions { BatchSize = batchSize, Shuffle = shuffle, Workers = workers, Prefetch = 4 });
            var watch = Stopwatch.StartNew();
            long frames = 0;
            foreach (var batch in loader)
            {
                frames += batch.Size;
                GC.KeepAlive(batch.ImagesUInt8("observation.images.front"));
            }
            return frames / watch.Elapsed.TotalSeconds;
        }
        // Warm up the JIT on a separate instance, so both timed passes start from a cold data cache alike.
        foreach (var _ in new DatasetLoader(LeRobotDataset.Open(root), new DatasetLoaderOptions { BatchSize = batchSize, Workers = workers }).Take(2))
        {
        }
        double sequential = ReadFps(shuffle: false);
        double randomFps = ReadFps(shuffle: true);
        return new DatasetBenchmarkResult(episodes * (long)framesPerEpisode, writeFps, sequential, randomFps, DatasetTools.SizeOnDisk(root) / (1024.0 * 1024.0));
    }
}
