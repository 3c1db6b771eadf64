using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Optim;

/// <summary>
/// LeRobot's "vqbet" schedule: the full rate while the VQ-VAE trains (the first num_vqvae_training_steps), then a
/// linear warmup over num_warmup_steps and a cosine of num_cycles. As in LeRobot, the cosine's progress is counted
/// from the end of the warmup against num_training_steps - num_warmup_steps (the VQ-VAE steps are not subtracted),
/// so a run ends before the cosine reaches zero.
/// </summary>
public sealed class VqbetSchedulerConfig : SchedulerConfig
{
    [ConfigRange(">= 0")] public int NumVqvaeTrainingSteps { get; set; }
    [ConfigRange("> 0")] public double NumCycles { get; set; } = 0.5;

    public override double Factor(long step, long totalSteps)
    {
        if (step < NumVqvaeTrainingSteps) return 1.0;
        var adjusted = step - NumVqvaeTrainingSteps;
        var warmup = NumWarmupSteps ?? 0;
        if (adjusted < warmup) return (double)adjusted / Math.Max(1, warmup);
        var progress = (double)(adjusted - warmup) / Math.Max(1, totalSteps - warmup);
        return Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * NumCycles * 2.0 * progress)));
    }
}
