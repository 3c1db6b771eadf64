using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Diffusion;

/// <summary>
/// The forward (noising) process shared by DDPM and DDIM, as diffusers defines it: betas βₜ from a named
/// schedule over num_train_timesteps, ᾱₜ = Πₛ≤ₜ (1 - βₛ), and x_t = √ᾱₜ·x₀ + √(1-ᾱₜ)·ε. Subclasses walk
/// the reverse process from pure noise over evenly spaced ("leading") inference timesteps.
/// </summary>
public abstract class NoiseScheduler
{
    public static readonly IReadOnlyList<string> BetaSchedules = ["linear", "scaled_linear", "squaredcos_cap_v2"];

    protected NoiseScheduler(int trainTimesteps, string betaSchedule, double betaStart, double betaEnd,
        string predictionType, bool clipSample, double clipSampleRange)
    {
        TrainTimesteps = trainTimesteps;
        PredictionType = predictionType is "epsilon" or "sample" ? predictionType
            : throw new ArgumentException($"prediction_type '{predictionType}' must be epsilon or sample");
        ClipSample = clipSample;
        ClipSampleRange = clipSampleRange;
        Betas = MakeBetas(betaSchedule, trainTimesteps, betaStart, betaEnd);
        AlphasCumprod = new double[trainTimesteps];
        var product = 1.0;
        for (var t = 0; t < trainTimesteps; t++)
        {
            // diffusers keeps the schedule in float32; rounding each factor keeps the products the same.
            product = (float)(product * (float)(1.0 - Betas[t]));
            AlphasCumprod[t] = product;
        }
        Timesteps = Enumerable.Range(0, trainTimesteps).Reverse().ToArray();
    }

    public int TrainTimesteps { get; }
    public string PredictionType { get; }
    public bool ClipSample { get; }
    public double ClipSampleRange { get; }
    public double[] Betas { get; }
    public double[] AlphasCumprod { get; }

    /// <summary>The inference timesteps, from noisiest to cleanest.</summary>
    public int[] Timesteps { get; private set; }

    protected int StepRatio { get; private set; } = 1;

    /// <summary>diffusers' "leading" spacing: t = i·(T / n) for i = n-1 .. 0.</summary>
    public void SetTimesteps(int inferenceSteps)
    {
        if (inferenceSteps < 1 || inferenceSteps > TrainTimesteps)
            throw new ArgumentException($"num_inference_steps={inferenceSteps} must be between 1 and num_train_timesteps={TrainTimesteps}");
        StepRatio = TrainTimesteps / inferenceSteps;
        Timesteps = Enumerable.Range(0, inferenceSteps).Reverse().Select(i => i * StepRatio).ToArray();
    }

    /// <summary>x_t = √ᾱₜ·x₀ + √(1-ᾱₜ)·ε for a (B,) tensor of timesteps.</summary>
    public Tensor AddNoise(Tensor original, Tensor noise, Tensor timesteps)
    {
        using var scope = torch.NewDisposeScope();
        var table = torch.tensor(AlphasCumprod.Select(a => (float)a).ToArray(), device: original.device);
        var alphaBar = table.index_select(0, timesteps.to(int64)).to(original.dtype);
        var shape = new long[original.dim()];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        alphaBar = alphaBar.reshape(shape);
        return (alphaBar.sqrt() * original + (1 - alphaBar).sqrt() * noise).MoveToOuterDisposeScope();
    }

    /// <summary>One reverse step from x_t at timestep t to x at the previous inference timestep.</summary>
    public abstract Tensor Step(Tensor modelOutput, int timestep, Tensor sample);

    protected double AlphaBarBefore(int timestep) => timestep - StepRatio >= 0 ? AlphasCumprod[timestep - StepRatio] : 1.0;

    /// <summary>The model's estimate of x₀ (and of ε) from its output at x_t.</summary>
    protected (Tensor X0, Tensor Epsilon) Predict(Tensor modelOutput, Tensor sample, double alphaBar)
    {
        Tensor x0, eps;
        if (PredictionType == "epsilon")
        {
            eps = modelOutput;
            x0 = (sample - Math.Sqrt(1 - alphaBar) * modelOutput) / Math.Sqrt(alphaBar);
        }
        else
        {
            x0 = modelOutput;
            eps = (sample - Math.Sqrt(alphaBar) * modelOutput) / Math.Sqrt(1 - alphaBar);
        }
        if (ClipSample) x0 = x0.clamp(-ClipSampleRange, ClipSampleRange);
        return (x0, eps);
    }

    private static double[] MakeBetas(string schedule, int steps, double start, double end)
    {
        var betas = new double[steps];
        switch (schedule)
        {
            case "linear":
                for (var i = 0; i < steps; i++) betas[i] = (float)(start + (end - start) * i / Math.Max(1, steps - 1));
                break;
            case "scaled_linear":
                for (var i = 0; i < steps; i++)
                {
                    var r = Math.Sqrt(start) + (Math.Sqrt(end) - Math.Sqrt(start)) * i / Math.Max(1, steps - 1);
                    betas[i] = (float)(r * r);
                }
                break;
            case "squaredcos_cap_v2":
                // Nichol & Dhariwal's cosine schedule: ᾱ(t) = cos²((t + 0.008) / 1.008 · π/2), βᵢ = 1 - ᾱ((i+1)/T) / ᾱ(i/T), capped at 0.999.
                static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
                for (var i = 0; i < steps; i++)
                    betas[i] = (float)Math.Min(1 - AlphaBar((i + 1.0) / steps) / AlphaBar((double)i / steps), 0.999);
                break;
            default:
                throw new ArgumentException($"beta_schedule '{schedule}' must be one of {string.Join(", ", BetaSchedules)}");
        }
        return betas;
    }
}
