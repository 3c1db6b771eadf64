using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Diffusion;

/// <summary>
/// DDPM's ancestral sampler (Ho et al. 2020, diffusers' DDPMScheduler with variance_type "fixed_small"): from
/// x_t, with ᾱ' the cumulative product at the previous inference step (1 before the first) and
/// αₜ = ᾱₜ/ᾱ', βₜ = 1 - αₜ, the posterior mean is √ᾱ'·βₜ/(1-ᾱₜ)·x̂₀ + √αₜ·(1-ᾱ')/(1-ᾱₜ)·x_t, and noise of
/// variance (1-ᾱ')/(1-ᾱₜ)·βₜ is added except at t = 0.
/// </summary>
public sealed class DdpmScheduler(int trainTimesteps, string betaSchedule, double betaStart, double betaEnd,
    string predictionType, bool clipSample, double clipSampleRange)
    : NoiseScheduler(trainTimesteps, betaSchedule, betaStart, betaEnd, predictionType, clipSample, clipSampleRange)
{
    public override Tensor Step(Tensor modelOutput, int timestep, Tensor sample)
    {
        using var scope = torch.NewDisposeScope();
        var alphaBar = AlphasCumprod[timestep];
        var alphaBarPrev = AlphaBarBefore(timestep);
        var alpha = alphaBar / alphaBarPrev;
        var beta = 1 - alpha;
        var (x0, _) = Predict(modelOutput, sample, alphaBar);
        var mean = Math.Sqrt(alphaBarPrev) * beta / (1 - alphaBar) * x0 + Math.Sqrt(alpha) * (1 - alphaBarPrev) / (1 - alphaBar) * sample;
        if (timestep > 0)
        {
            var variance = Math.Max((1 - alphaBarPrev) / (1 - alphaBar) * beta, 1e-20);
            mean = mean + Math.Sqrt(variance) * torch.randn_like(sample);
        }
        return mean.MoveToOuterDisposeScope();
    }
}
