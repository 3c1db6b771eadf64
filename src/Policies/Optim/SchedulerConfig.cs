using System.Text.Json.Serialization;
using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Optim;

/// <summary>
/// LeRobot's learning-rate schedules as a multiplier of the optimizer's base rate at a step;
/// no scheduler means a constant rate.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ConstantWithWarmupSchedulerConfig), "constant_with_warmup")]
[JsonDerivedType(typeof(CosineDecayWithWarmupSchedulerConfig), "cosine_decay_with_warmup")]
[JsonDerivedType(typeof(CosineAnnealingWithWarmupSchedulerConfig), "cosine_annealing_with_warmup")]
[JsonDerivedType(typeof(DiffuserSchedulerConfig), "diffuser")]
[JsonDerivedType(typeof(VqbetSchedulerConfig), "vqbet")]
public abstract class SchedulerConfig
{
    [ConfigRange(">= 0")] public int? NumWarmupSteps { get; set; }

    public abstract double Factor(long step, long totalSteps);

    protected static double LinearWarmup(long step, long warmup) =>
        warmup <= 0 ? 1.0 : Math.Min(1.0, (step + 1.0) / (warmup + 1.0));
}

public sealed class ConstantWithWarmupSchedulerConfig : SchedulerConfig
{
    public ConstantWithWarmupSchedulerConfig() => NumWarmupSteps = 1000;

    public override double Factor(long step, long totalSteps) => LinearWarmup(step, NumWarmupSteps ?? 0);
}

/// <summary>Pi0/SmolVLA's schedule: warmup then cosine from peak_lr to decay_lr, both scaled down for short runs.</summary>
public sealed class CosineDecayWithWarmupSchedulerConfig : SchedulerConfig
{
    public CosineDecayWithWarmupSchedulerConfig() => NumWarmupSteps = 1000;

    [ConfigRange(">= 1")] public int NumDecaySteps { get; set; } = 30_000;
    [ConfigRange("> 0")] public double PeakLr { get; set; } = 2.5e-5;
    [ConfigRange(">= 0")] public double DecayLr { get; set; } = 2.5e-6;

    public override double Factor(long step, long totalSteps)
    {
        double warmup = NumWarmupSteps ?? 0, decay = NumDecaySteps;
        if (totalSteps > 0 && totalSteps < NumDecaySteps)
        {
            var scale = (double)totalSteps / NumDecaySteps;
            warmup *= scale;
            decay *= scale;
        }
        if (step < warmup)
        {
            if (step <= 0) return 1.0 / (warmup + 1);
            var frac = 1 - step / warmup;
            return (1.0 / (warmup + 1) - 1) * frac + 1;
        }
        var alpha = DecayLr / PeakLr;
        var s = Math.Min(step, decay);
        var cosine = 0.5 * (1 + Math.Cos(Math.PI * s / decay));
        return (1 - alpha) * cosine + alpha;
    }
}

public sealed class CosineAnnealingWithWarmupSchedulerConfig : SchedulerConfig
{
    public CosineAnnealingWithWarmupSchedulerConfig() => NumWarmupSteps = 0;

    public override double Factor(long step, long totalSteps)
    {
        var warmup = NumWarmupSteps ?? 0;
        if (step < warmup) return LinearWarmup(step, warmup);
        var progress = totalSteps <= warmup ? 1.0 : Math.Min(1.0, (double)(step - warmup) / (totalSteps - warmup));
        return 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
