using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Training;

/// <summary>
/// LeRobot's EMAConfig (`--ema.*`): an exponential moving average of the policy's weights, the standard practice
/// for Diffusion Policy. The decay follows diffusers' EMAModel warm-up, 1 - (1 + t / inv_gamma)^-power clamped to
/// [min_decay, max_decay], or is the constant <see cref="Decay"/>; for the first update_after_step steps the
/// average is a copy of the live weights.
/// </summary>
public sealed record EmaConfig
{
    public bool Enable { get; init; }
    [ConfigRange("[0, 1]")] public double? Decay { get; init; }
    [ConfigRange(">= 0")] public int UpdateAfterStep { get; init; }
    [ConfigRange("> 0")] public double InvGamma { get; init; } = 1.0;
    [ConfigRange("> 0")] public double Power { get; init; } = 0.75;
    [ConfigRange("[0, 1]")] public double MinDecay { get; init; }
    [ConfigRange("[0, 1]")] public double MaxDecay { get; init; } = 0.9999;

    /// <summary>Checkpoints hold the averaged weights as the pretrained model (what eval and rollout load); false keeps the live ones there.</summary>
    public bool UseForEval { get; init; } = true;

    /// <summary>Cross-field rules, as LeRobot's __post_init__.</summary>
    public void Validate()
    {
        if (MinDecay > MaxDecay)
            throw new PolicyConfigException($"--ema.min_decay={MinDecay} must be at most --ema.max_decay={MaxDecay}");
        if (Decay is not null && (MinDecay != 0.0 || MaxDecay != 0.9999))
            throw new PolicyConfigException("--ema.decay (a constant decay) and --ema.min_decay/--ema.max_decay (the schedule's clamp) are mutually exclusive: set one or the other");
    }

    /// <summary>The decay used at optimization step <paramref name="step"/> (1-based: the count of optimizer steps taken).</summary>
    public double DecayAt(long step)
    {
        var t = step - UpdateAfterStep - 1;
        if (t <= 0) return 0.0;
        if (Decay is { } constant) return constant;
        var warm = 1 - Math.Pow(1 + t / InvGamma, -Power);
        return Math.Clamp(warm, MinDecay, MaxDecay);
    }
}
