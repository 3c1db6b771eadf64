using System.Diagnostics;
using RobotActors.Policies.Act;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Diffusion;
using RobotActors.Policies.Training;
using RobotActors.Policies.Vqbet;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Benchmarks;

/// <summary>
/// Training throughput and select_action latency of the chunking policies on the setup: one camera at
/// 3×96×96, a 6-D state and 6-D actions, on random batches shaped by the policy's own delta indices. Each
/// measurement stops at its time budget, so default-size models report what fits instead of running for hours.
/// </summary>
public static class PolicyBenchmark
{
    public const string Camera = "observation.images.front";
    public const int ImageSide = 96;
    public const int StateDim = 6;
    public const int ActionDim = 6;

    public static readonly IReadOnlyList<string> Policies = ["act", "diffusion", "vqbet", "tdmpc"];

    public sealed record TrainFigures(int BatchSize, int Steps, double Seconds)
    {
        public double StepsPerSecond => Steps / Seconds;
    }

    public sealed record LatencyFigures(int Samples, double P50Ms, double P99Ms, double TotalSeconds);

    /// <summary>The policy's default config ("default") or the CPU size ("small"), with the benchmark's features.</summary>
    public static PreTrainedConfig Config(string type, string size)
    {
        var overrides = size switch
        {
            "default" => new Dictionary<string, string>(),
            "small" => SmallOverrides(type),
            _ => throw new ArgumentException($"size '{size}' is not default or small"),
        };
        if (type != "tdmpc") overrides["pretrained_backbone_weights"] = "null"; // TD-MPC's small CNN has no pretrained backbone
        // VQ-BeT's first phase trains only the small VQ-VAE; one step of it (the untimed warm-up) moves the timed steps to the GPT phase.
        if (type == "vqbet") overrides["n_vqvae_training_steps"] = "1";
        var config = PreTrainedConfig.Create(type, overrides);
        config.InputFeatures = new()
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [StateDim]),
            [Camera] = new(FeatureType.Visual, [3, ImageSide, ImageSide]),
        };
        config.OutputFeatures = new() { [PolicyKeys.Action] = new(FeatureType.Action, [ActionDim]) };
        return config;
    }

    /// <summary>
    /// Sizes that train in minutes on two CPU cores: ACT with a 128-wide, 2+1-layer transformer and chunks of 20;
    /// Diffusion with a 64/128/256 U-Net, horizon 16 and 10 DDIM steps; VQ-BeT with a 4-layer, 128-wide GPT over 3
    /// observation steps (these keep the ResNet-18 backbone); TD-MPC with latent 32, 128-wide MLPs and 256 + 24 planner
    /// samples (the sizes of its online reach_cube run).
    /// </summary>
    public static Dictionary<string, string> SmallOverrides(string type) => type switch
    {
        "act" => new()
        {
            ["chunk_size"] = "20", ["n_action_steps"] = "10", ["dim_model"] = "128", ["n_heads"] = "4", ["dim_feedforward"] = "512",
            ["n_encoder_layers"] = "2", ["n_decoder_layers"] = "1", ["n_vae_encoder_layers"] = "2", ["latent_dim"] = "16",
        },
        "diffusion" => new()
        {
            ["horizon"] = "16", ["n_action_steps"] = "8", ["down_dims"] = "[64,128,256]", ["diffusion_step_embed_dim"] = "64",
            ["noise_scheduler_type"] = "\"DDIM\"", ["num_inference_steps"] = "10", ["crop_shape"] = "[84,84]",
        },
        "vqbet" => new()
        {
            ["gpt_n_layer"] = "4", ["gpt_n_head"] = "4", ["gpt_hidden_dim"] = "128", ["gpt_input_dim"] = "128", ["gpt_output_dim"] = "128",
            ["vqvae_embedding_dim"] = "64", ["vqvae_enc_hidden_dim"] = "64", ["n_obs_steps"] = "3",
        },
        "tdmpc" => new()
        {
            ["latent_dim"] = "32", ["mlp_dim"] = "128", ["state_encoder_hidden_dim"] = "64", ["n_gaussian_samples"] = "256",
            ["n_pi_samples"] = "24", ["n_elites"] = "32",
        },
        _ => throw new ArgumentException($"no small size for '{type}'"),
    };

    /// <summary>A normalized-looking random batch: observation keys with the policy's observation offsets, actions over its action offsets.</summary>
    public static Dictionary<string, Tensor> RandomBatch(PreTrainedConfig config, int batchSize)
    {
        var keys = config.InputFeatures.Keys.Append(PolicyKeys.Action).ToList();
        var deltas = DeltaIndices.For(config, keys);
        var batch = new Dictionary<string, Tensor>();
        foreach (var (key, feature) in config.InputFeatures.Concat(config.OutputFeatures))
        {
            long[] shape = deltas.TryGetValue(key, out var offsets)
                ? [batchSize, offsets.Length, .. feature.Shape.Select(d => (long)d)]
                : [batchSize, .. feature.Shape.Select(d => (long)d)];
            batch[key] = feature.Type == FeatureType.Action ? torch.rand(shape) * 2 - 1 : torch.randn(shape);
            if (offsets is not null) batch[key + PolicyKeys.PadSuffix] = torch.zeros(batchSize, offsets.Length, dtype: ScalarType.Bool);
        }
        if (config.RewardDeltaIndices is { } rewardOffsets) // TD-MPC trains on a reward per step of its window
        {
            batch[PolicyKeys.Reward] = torch.rand(batchSize, rewardOffsets.Count);
            batch[PolicyKeys.Reward + PolicyKeys.PadSuffix] = torch.zeros(batchSize, rewardOffsets.Count, dtype: ScalarType.Bool);
        }
        return batch;
    }

    public static Dictionary<string, Tensor> RandomObservation(PreTrainedConfig config) =>
        config.InputFeatures.ToDictionary(kv => kv.Key, kv => torch.randn([1, .. kv.Value.Shape.Select(d => (long)d)]));

    /// <summary>Optimizer steps on one random batch after one untimed warm-up step, until <paramref name="maxSteps"/> or the budget.</summary>
    public static TrainFigures MeasureTraining(PreTrainedConfig config, int batchSize, int maxSteps, TimeSpan budget)
    {
        torch.manual_seed(0);
        using var policy = PolicyFactory.MakePolicy(config);
        var optimizers = policy.MakeOptimizers(config.GetOptimizerPreset());
        var batch = RandomBatch(config, batchSize);
        var warmup = Stopwatch.StartNew();
        policy.TrainStep(() => batch, optimizers, 0);
        // A step slower than the budget is reported on its own rather than repeated.
        if (warmup.Elapsed > budget) return new TrainFigures(batchSize, 1, warmup.Elapsed.TotalSeconds);
        var clock = Stopwatch.StartNew();
        var steps = 0;
        while (steps < maxSteps && clock.Elapsed < budget) policy.TrainStep(() => batch, optimizers, ++steps);
        return new TrainFigures(batchSize, steps, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// select_action latency of one observation. With <paramref name="fullQueue"/> the queue holds actions and the
    /// call only pops one (refills are not timed); without, the queue is emptied before each call so every call
    /// runs the model.
    /// </summary>
    public static LatencyFigures MeasureSelectAction(PreTrainedConfig config, bool fullQueue, int maxSamples, TimeSpan budget)
    {
        torch.manual_seed(0);
        using var policy = PolicyFactory.MakePolicy(config);
        policy.eval();
        var observation = RandomObservation(config);
        var queueLength = config switch
        {
            ActConfig a => a.NActionSteps, DiffusionConfig d => d.NActionSteps, VqbetConfig v => v.ActionChunkSize,
            Tdmpc.TdmpcConfig t => Math.Max(t.NActionSteps, t.NActionRepeats), _ => 1,
        };
        policy.SelectAction(observation).Dispose();
        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        var sinceRefill = 1;
        while (times.Count < maxSamples && (clock.Elapsed < budget || times.Count == 0))
        {
            if (fullQueue && sinceRefill >= queueLength)
            {
                if (queueLength == 1) break;
                policy.Reset();
                policy.SelectAction(observation).Dispose();
                sinceRefill = 1;
            }
            if (!fullQueue) policy.Reset();
            var start = Stopwatch.GetTimestamp();
            policy.SelectAction(observation).Dispose();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            sinceRefill++;
        }
        times.Sort();
        double Percentile(double p) => times.Count == 0 ? double.NaN : times[Math.Min(times.Count - 1, (int)Math.Ceiling(p * times.Count) - 1)];
        return new LatencyFigures(times.Count, Percentile(0.50), Percentile(0.99), clock.Elapsed.TotalSeconds);
    }

    public static long ParameterCount(PreTrainedConfig config)
    {
        using var policy = PolicyFactory.MakePolicy(config);
        return policy.parameters().Sum(p => p.numel());
    }
}
