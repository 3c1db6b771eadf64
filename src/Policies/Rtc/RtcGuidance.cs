using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Rtc;

/// <summary>
/// RTC's guided denoising step (LeRobot's RTCProcessor.denoise_step, after Black et al., "Real-Time Execution of
/// Action Chunking Flow Policies"). Flow time runs from τ = 0 (noise) to τ = 1 (data) and the denoiser gives the
/// velocity toward the data. At each step the estimate of the finished chunk, x̂₁ = x_τ + (1 − τ)·v, is compared with
/// the previous chunk's not-yet-executed actions under the prefix weights W; the gradient of that weighted error
/// through the denoiser (a vector-Jacobian product) is added to the velocity, scaled by a guidance weight that is
/// large early in the integration and clipped at max_guidance_weight. Any flow or diffusion chunking policy can use
/// it by handing over its velocity as a function of the noisy chunk.
/// </summary>
public sealed class RtcGuidance(RtcConfig config)
{
    public RtcConfig Config { get; } = config;

    /// <summary>
    /// The guidance weight at flow time τ: min(max_w, (1 − τ)/τ · (τ² + (1 − τ)²)/(1 − τ)²), the max at τ = 0 and τ = 1.
    /// </summary>
    public double GuidanceWeight(double tau)
    {
        if (tau <= 0 || tau >= 1) return Config.MaxGuidanceWeight;
        var c = (1 - tau) / tau;
        var inverseR2 = (tau * tau + (1 - tau) * (1 - tau)) / ((1 - tau) * (1 - tau));
        var w = c * inverseR2;
        return double.IsFinite(w) ? Math.Min(w, Config.MaxGuidanceWeight) : Config.MaxGuidanceWeight;
    }

    /// <summary>
    /// The prefix weights for a chunk of <paramref name="total"/> steps, (1, total, 1), zero past the end of the
    /// leftover: a step the previous chunk did not have is not pulled anywhere (LeRobot pads the leftover with zeros
    /// and would pull such steps toward 0).
    /// </summary>
    public Tensor PrefixWeights(int inferenceDelay, int total, long leftoverSteps, int? executionHorizon = null, Device? device = null)
    {
        var w = RtcPrefixWeights.Compute(Config.Schedule, inferenceDelay, executionHorizon ?? Config.ExecutionHorizon, total);
        for (var i = (int)Math.Min(leftoverSteps, total); i < total; i++) w[i] = 0;
        return torch.tensor(w, device: device).reshape(1, total, 1);
    }

    /// <summary>
    /// The guided velocity at flow time τ for the noisy chunk <paramref name="x"/> (B, T, A).
    /// </summary>
    /// <param name="velocity">The policy's own denoiser: noisy chunk → velocity toward the data, same shape.</param>
    /// <param name="previousLeftover">The previous chunk's unexecuted actions (B, T', A) in the policy's (normalized) units, from the step
    /// the new chunk starts at; null for the first chunk, which is not guided.</param>
    /// <param name="inferenceDelay">Steps that execute while this chunk is computed.</param>
    public Tensor DenoiseStep(Tensor x, double tau, Func<Tensor, Tensor> velocity, Tensor? previousLeftover, int inferenceDelay, int? executionHorizon = null)
    {
        if (previousLeftover is null)
        {
            using var noGrad = torch.no_grad();
            return velocity(x);
        }
        using var scope = torch.NewDisposeScope();
        var (b, t, a) = (x.shape[0], (int)x.shape[1], x.shape[2]);
        if (previousLeftover.dim() == 2) previousLeftover = previousLeftover.unsqueeze(0);
        if (previousLeftover.shape[0] != b || previousLeftover.shape[2] != a)
            throw new ArgumentException($"the previous chunk's leftover has shape [{string.Join(", ", previousLeftover.shape)}] but the chunk is [{b}, {t}, {a}]");
        var leftoverSteps = previousLeftover.shape[1];
        var target = leftoverSteps >= t
            ? previousLeftover[.., ..t]
            : torch.cat([previousLeftover, torch.zeros([b, t - leftoverSteps, a], dtype: x.dtype, device: x.device)], 1);
        var weights = PrefixWeights(inferenceDelay, t, leftoverSteps, executionHorizon, x.device).to(x.dtype);
        Tensor v, correction;
        using (torch.enable_grad())
        {
            var xt = x.detach().requires_grad_(true);
            v = velocity(xt);
            var finished = xt + (1 - tau) * v;
            var error = (target.to(x.dtype) - finished) * weights;
            // The vector-Jacobian product errorᵀ·∂x̂₁/∂x_τ: how to move x_τ so the finished chunk meets the leftover.
            correction = torch.autograd.grad([finished], [xt], [error.detach()])[0];
        }
        return (v.detach() + GuidanceWeight(tau) * correction).MoveToOuterDisposeScope();
    }
}
