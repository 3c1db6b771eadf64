namespace RobotActors.Policies.Optim;

/// <summary>
/// LeRobot's "diffuser" preset, which calls diffusers' get_scheduler(name, ...): the schedules written here
/// are "constant", "constant_with_warmup", "linear" and "cosine" (Diffusion Policy's: a linear warmup
/// step / warmup, then a half cosine from 1 to 0 over the remaining steps).
/// </summary>
public sealed class DiffuserSchedulerConfig : SchedulerConfig
{
    public static readonly IReadOnlyList<string> Names = ["constant", "constant_with_warmup", "linear", "cosine"];

    public string Name { get; set; } = "cosine";

    public override double Factor(long step, long totalSteps)
    {
        var warmup = NumWarmupSteps ?? 0;
        if (Name == "constant") return 1.0;
        if (step < warmup) return (double)step / Math.Max(1, warmup);
        var progress = (double)(step - warmup) / Math.Max(1, totalSteps - warmup);
        return Name switch
        {
            "constant_with_warmup" => 1.0,
            "linear" => Math.Max(0.0, 1.0 - progress),
            "cosine" => Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * progress))),
            _ => throw new InvalidOperationException($"scheduler '{Name}' is not one of {string.Join(", ", Names)}"),
        };
    }
}
