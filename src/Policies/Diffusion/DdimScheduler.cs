using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Diffusion;

/// <summary>
/// DDIM's deterministic sampler (Song et al. 2021, diffusers' DDIMScheduler with η = 0 and set_alpha_to_one):
/// x_prev = √ᾱ'·x̂₀ + √(1-ᾱ')·ε̂, with ᾱ' the cumulative product at the previous inference step (1 past the
/// last). Being deterministic, it can take far fewer steps than it was trained with.
/// </summary>
public sealed class DdimScheduler(int trainTimesteps, string betaSchedule, double betaStart, double betaEnd,
    string predictionType, bool clipSample, double clipSampleRange)
    : NoiseScheduler(trainTimesteps, betaSchedule, betaStart, betaEnd, predictionType, clipSample, clipSampleRange)
{
    public override Tensor Step(Tensor modelOutput, int timestep, Tensor sample)
    {
        using var scope = torch.NewDisposeScope();
        var alphaBarPrev = AlphaBarBefore(timestep);
        var (x0, eps) = Predict(modelOutput, sample, AlphasCumprod[timestep]);
        return (Math.Sqrt(alphaBarPrev) * x0 + Math.Sqrt(1 - alphaBarPrev) * eps).MoveToOuterDisposeScope();
    }
}
