using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Rtc;

/// <summary>
/// Euler integration of a flow-matching velocity field from noise (τ = 0) to a chunk (τ = 1) in a fixed number of
/// steps, with RTC guidance at every step when a previous chunk's leftover is given.
/// </summary>
public static class RtcEulerSampler
{
    /// <param name="velocity">(noisy chunk (B, T, A), τ) → velocity toward the data.</param>
    /// <param name="noise">x at τ = 0, (B, T, A).</param>
    /// <param name="guidance">RTC guidance, or null for plain sampling.</param>
    public static Tensor Sample(Func<Tensor, double, Tensor> velocity, Tensor noise, int steps,
        RtcGuidance? guidance = null, Tensor? previousLeftover = null, int inferenceDelay = 0)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), "a flow is integrated in at least one step");
        using var scope = torch.NewDisposeScope();
        var x = noise;
        var dt = 1.0 / steps;
        for (var i = 0; i < steps; i++)
        {
            using var step = torch.NewDisposeScope();
            var tau = i * dt;
            var v = guidance is null || previousLeftover is null
                ? PlainVelocity(velocity, x, tau)
                : guidance.DenoiseStep(x, tau, xt => velocity(xt, tau), previousLeftover, inferenceDelay);
            x = (x + dt * v).detach().MoveToOuterDisposeScope();
        }
        return x.MoveToOuterDisposeScope();
    }

    private static Tensor PlainVelocity(Func<Tensor, double, Tensor> velocity, Tensor x, double tau)
    {
        using var noGrad = torch.no_grad();
        return velocity(x, tau);
    }
}
