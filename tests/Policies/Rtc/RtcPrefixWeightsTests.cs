using RobotActors.Policies.Rtc;

namespace RobotActors.Policies.Tests.Rtc;

/// <summary>The values follow LeRobot's RTCProcessor.get_prefix_weights (policies/rtc/modeling_rtc.py) for the same arguments.</summary>
public class RtcPrefixWeightsTests
{
    [Theory]
    [InlineData("LINEAR", 2, 6, 8, new[] { 1f, 1, 0.8f, 0.6f, 0.4f, 0.2f, 0, 0 })]
    [InlineData("linear", 0, 4, 6, new[] { 0.8f, 0.6f, 0.4f, 0.2f, 0, 0 })]
    [InlineData("ONES", 2, 5, 8, new[] { 1f, 1, 1, 1, 1, 0, 0, 0 })]
    [InlineData("ZEROS", 2, 5, 8, new[] { 1f, 1, 0, 0, 0, 0, 0, 0 })]
    [InlineData("LINEAR", 7, 4, 6, new[] { 1f, 1, 1, 1, 0, 0 })] // the delay is capped at the execution horizon
    [InlineData("LINEAR", 1, 10, 5, new[] { 1f, 0.8f, 0.6f, 0.4f, 0.2f })] // a horizon past the chunk fades over the chunk
    public void Prefix_weights_are_one_over_the_delay_then_fade_to_zero_at_the_execution_horizon(string schedule, int delay, int horizon, int total, float[] expected)
    {
        var weights = RtcPrefixWeights.Compute(schedule, delay, horizon, total);
        Assert.Equal(expected.Length, weights.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], weights[i], 5);
    }

    [Fact]
    public void The_exp_schedule_fades_below_the_linear_one_and_keeps_its_ends()
    {
        var linear = RtcPrefixWeights.Compute("LINEAR", 1, 6, 8);
        var exp = RtcPrefixWeights.Compute("EXP", 1, 6, 8);
        Assert.Equal(1f, exp[0]);
        for (var i = 1; i < 6; i++)
        {
            var w = linear[i];
            Assert.Equal(w * (Math.Exp(w) - 1) / (Math.E - 1), exp[i], 5);
            Assert.True(exp[i] < linear[i]);
        }
        Assert.Equal(0f, exp[6]);
    }

    [Fact]
    public void The_guidance_weight_is_clipped_at_max_guidance_weight()
    {
        var guidance = new RtcGuidance(new RtcConfig { MaxGuidanceWeight = 5 });
        Assert.Equal(5, guidance.GuidanceWeight(0));
        Assert.Equal(5, guidance.GuidanceWeight(0.02));
        Assert.Equal(2.0, guidance.GuidanceWeight(0.5), 9);      // (τ² + (1 − τ)²) / (τ (1 − τ)) at τ = 0.5
        Assert.Equal(0.58 / 0.21, guidance.GuidanceWeight(0.3), 9);
        Assert.Equal(5, guidance.GuidanceWeight(0.99));
    }
}
