using RobotActors.Policies.Rtc;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Rtc;

/// <summary>
/// Guided sampling of a flow whose velocity is known exactly: chunks f + c·1 of a ramp f with an unknown offset
/// c ~ N(0, σ²). Without guidance a sample's offset is drawn afresh; with a leftover of offset c* the new chunk's
/// first executed step lands near the leftover's.
/// </summary>
public class RtcGuidanceTests
{
    private const int Steps = 8;
    private const double Sigma = 0.25;
    private static readonly Tensor Ramp = torch.arange(0, Steps, dtype: float32).reshape(1, Steps, 1) * 0.1f;

    // E[a | x_τ] for x_τ = τ·a + (1 − τ)·ε is the ramp plus the posterior mean of c; v = (E[a | x_τ] − x_τ) / (1 − τ).
    private static Tensor Velocity(Tensor x, double tau)
    {
        var s = 1 - tau;
        var residual = x - tau * Ramp;
        var offset = tau * residual.sum([1, 2]) / (s * s) / (1 / (Sigma * Sigma) + tau * tau * Steps / (s * s));
        return (Ramp + offset.reshape(-1, 1, 1) - x) / s;
    }

    [Theory]
    [InlineData("LINEAR", 1.8)] // the first executed step has weight 0.75 only
    [InlineData("ONES", 3.0)]
    public void Guidance_pulls_the_new_chunk_onto_the_previous_chunks_leftover(string schedule, double reduction)
    {
        torch.manual_seed(0);
        var noise = torch.randn(200, Steps, 1);
        var leftover = (Ramp + torch.randn(200, 1, 1) * Sigma)[.., ..4];
        var guidance = new RtcGuidance(new RtcConfig { Enabled = true, ExecutionHorizon = 4, PrefixAttentionSchedule = schedule });
        var plain = RtcEulerSampler.Sample(Velocity, noise, 10);
        var guided = RtcEulerSampler.Sample(Velocity, noise, 10, guidance, leftover, inferenceDelay: 1);
        var plainJump = (plain[.., 1] - leftover[.., 1]).abs().mean().item<float>();
        var guidedJump = (guided[.., 1] - leftover[.., 1]).abs().mean().item<float>();
        Assert.InRange(plainJump, 0.25, 0.5); // |c' − c*| for two independent offsets: 2σ/√π ≈ 0.28
        Assert.True(guidedJump < plainJump / reduction, $"{schedule}: guided jump {guidedJump} against {plainJump} unguided");
        // The samples stay chunks of the flow: ramps with one offset each.
        var offsets = guided - Ramp;
        Assert.True((offsets - offsets.mean([1], keepdim: true)).abs().max().item<float>() < 1e-3);
    }

    [Fact]
    public void Without_a_leftover_a_step_is_the_plain_velocity_and_the_guidance_weight_scales_the_pull()
    {
        torch.manual_seed(1);
        var x = torch.randn(4, Steps, 1);
        var plain = Velocity(x, 0.4);
        var none = new RtcGuidance(new RtcConfig()).DenoiseStep(x, 0.4, xt => Velocity(xt, 0.4), null, 1);
        Assert.Equal(plain.data<float>().ToArray(), none.data<float>().ToArray());

        var leftover = Ramp[.., ..4].expand(4, 4, 1) + 0.5f;
        Tensor Pull(double maxWeight) =>
            new RtcGuidance(new RtcConfig { MaxGuidanceWeight = maxWeight, ExecutionHorizon = 4 }).DenoiseStep(x, 0.4, xt => Velocity(xt, 0.4), leftover, 1) - plain;
        var weak = Pull(1);
        var full = Pull(10); // the weight at τ = 0.4 is 0.52 / 0.24 ≈ 2.17, under the cap
        Assert.True(full.abs().max().item<float>() > 0);
        Assert.True(weak.allclose(full / (0.52 / 0.24), rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void Leftover_steps_past_its_end_are_not_pulled_toward_zero()
    {
        var guidance = new RtcGuidance(new RtcConfig { ExecutionHorizon = 6, PrefixAttentionSchedule = "ONES" });
        var w = guidance.PrefixWeights(inferenceDelay: 1, total: 8, leftoverSteps: 3).data<float>().ToArray();
        Assert.Equal(new[] { 1f, 1, 1, 0, 0, 0, 0, 0 }, w);
    }
}
