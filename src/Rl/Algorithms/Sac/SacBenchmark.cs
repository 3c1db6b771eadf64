using System.Diagnostics;
using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Sac;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Algorithms.Sac;

/// <summary>Measures SAC learner updates per second and single-observation action latency.</summary>
public static class SacBenchmark
{
    public sealed record UpdateFigures(string Name, int Updates, double Seconds)
    {
        public double UpdatesPerSecond => Updates / Seconds;
    }

    public sealed record LatencyFigures(string Name, int Samples, double P50Ms, double P99Ms);

    public const int StateDim = 18;
    public const int ContinuousActions = 4;
    public const int GripperActions = 3;

    /// <summary>The configurations: state only, or two 3×128×128 cameras (plus the state) with the default CNN.</summary>
    public static SacConfig Config(bool images, bool frozenEncoder, int imageSize = 128)
    {
        var config = new SacConfig
        {
            InputFeatures = { [PolicyKeys.ObservationState] = new(FeatureType.State, [StateDim]) },
            OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [ContinuousActions]) },
            NumDiscreteActions = GripperActions,
            NumCritics = 2,
            CriticNetworkKwargs = new() { HiddenDims = [256, 256] },
            ActorNetworkKwargs = new() { HiddenDims = [256, 256] },
            DiscreteCriticNetworkKwargs = new() { HiddenDims = [256, 256] },
            FreezeVisionEncoder = frozenEncoder,
        };
        if (images)
            foreach (var camera in new[] { "observation.images.front", "observation.images.wrist" })
                config.InputFeatures[camera] = new(FeatureType.Visual, [3, imageSize, imageSize]);
        return config;
    }

    /// <summary>Normalized random observations, actions (continuous in [-1, 1], then the gripper index) and rewards.</summary>
    public static SacBatch RandomBatch(PreTrainedConfig config, int batchSize, int continuousActions = ContinuousActions)
    {
        Dictionary<string, Tensor> Observation() => config.InputFeatures.ToDictionary(
            kv => kv.Key, kv => kv.Value.Type == FeatureType.Visual
                ? torch.rand([batchSize, .. kv.Value.Shape.Select(d => (long)d)])
                : torch.rand(batchSize, kv.Value.Shape[0]) * 2 - 1);
        var continuous = torch.rand(batchSize, continuousActions) * 2 - 1;
        var gripper = torch.randint(0, GripperActions, [batchSize, 1]).to(float32);
        return new SacBatch(Observation(), torch.cat([continuous, gripper], 1), (torch.rand(batchSize) > 0.9).to(float32),
            (torch.rand(batchSize) > 0.95).to(float32), Observation(), torch.zeros(batchSize));
    }

    /// <param name="featuresInBuffer">Pass the frozen backbone's maps with the batch, as a replay buffer that caches them would.</param>
    public static UpdateFigures MeasureUpdates(string name, SacConfig config, int batchSize, int updates, int warmup = 1, bool featuresInBuffer = false)
    {
        torch.manual_seed(0);
        var policy = new GaussianActorPolicy(config.ToGaussianActorConfig());
        var algorithm = new SacAlgorithm(policy, SacAlgorithmConfig.FromSacConfig(config));
        algorithm.MakeOptimizers();
        var batch = RandomBatch(config, batchSize);
        if (featuresInBuffer)
            batch = batch with
            {
                ObservationFeatures = algorithm.CachedImageFeatures(batch.Observation),
                NextObservationFeatures = algorithm.CachedImageFeatures(batch.NextObservation),
            };
        for (var i = 0; i < warmup; i++) algorithm.Update(() => batch);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < updates; i++) algorithm.Update(() => batch);
        return new UpdateFigures(name, updates, clock.Elapsed.TotalSeconds);
    }

    public static LatencyFigures MeasureSelectAction(string name, SacConfig config, int samples, int warmup = 10)
    {
        torch.manual_seed(0);
        var policy = new GaussianActorPolicy(config.ToGaussianActorConfig());
        policy.eval();
        var observation = RandomBatch(config, 1).Observation;
        for (var i = 0; i < warmup; i++) policy.SelectAction(observation).Dispose();
        var times = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            policy.SelectAction(observation).Dispose();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return new LatencyFigures(name, samples, Percentile(times, 0.50), Percentile(times, 0.99));
    }

    /// <summary>The p-th quantile (nearest rank) of measured values.</summary>
    public static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
