namespace RobotActors.Devices.Workcell.Operators;

/// <summary>When the scripted operator takes over from the policy (holds is_intervention).</summary>
public enum InterventionMode
{
    /// <summary>Every step: it is the operator who records demonstrations.</summary>
    Always,
    /// <summary>In bursts of <see cref="ScriptedOperatorOptions.InterventionSeconds"/>, for about <see cref="ScriptedOperatorOptions.InterventionRate"/> of the time.</summary>
    Rate,
    /// <summary>When the policy heads out of the end-effector bounds or is stuck, for a burst.</summary>
    Automatic,
    /// <summary>Never: it only watches and presses success / failure.</summary>
    Never,
}

/// <summary>
/// teleop.type = "scripted": a simulated human who sees the workcell's ground truth and moves the end
/// effector through the same delta interface as the gamepad (delta_x/y/z in [−1, 1], times the
/// pipeline's end_effector_step_sizes, clamped to its end_effector_bounds; gripper 0 close, 1 stay, 2 open).
/// </summary>
public sealed record ScriptedOperatorOptions
{
    /// <summary>Standard deviation of Gaussian noise added to each delta before clamping to [−1, 1].</summary>
    public double Noise { get; init; } = 0.05;
    /// <summary>The pipeline's end_effector_step_sizes (m per step at delta 1) the operator assumes.</summary>
    public double[] StepSizes { get; init; } = [0.02, 0.02, 0.02];
    /// <summary>The pipeline's end_effector_bounds the operator keeps its targets inside.</summary>
    public double[] BoundsMin { get; init; } = [0.10, -0.20, 0.005];
    public double[] BoundsMax { get; init; } = [0.34, 0.20, 0.12];
    /// <summary>
    /// How fast it closes the distance, per second: each step asks for Gain / Fps of the remaining distance
    /// (0.6 at 10 Hz, 0.2 at 30 Hz), so it behaves the same whatever the control rate.
    /// </summary>
    public double Gain { get; init; } = 6;
    /// <summary>The control rate the operator is called at (one GetAction per step).</summary>
    public double Fps { get; init; } = 10;
    public InterventionMode Intervention { get; init; } = InterventionMode.Always;
    /// <summary>Rate mode: the fraction of the time it intervenes.</summary>
    public double InterventionRate { get; init; } = 0.3;
    /// <summary>Rate and automatic modes: how long one intervention lasts.</summary>
    public double InterventionSeconds { get; init; } = 3;
    /// <summary>Automatic mode: the policy is stuck when the end effector moved less than 1 cm in this long.</summary>
    public double StuckSeconds { get; init; } = 3;
    /// <summary>
    /// Automatic mode: the policy makes no progress when the task's distance to solved (<see cref="TaskPlan.DistanceToGoal"/>)
    /// has not come 1 cm closer than its best for this long; the operator then takes over for a burst, as a person at the
    /// workcell does with a policy that wanders. 0: only out-of-bounds and stuck arms bring it in.
    /// </summary>
    public double NoProgressSeconds { get; init; }
    /// <summary>Always mode: a demonstration not solved after this long is re-recorded (rerecord_episode).</summary>
    public double GiveUpSeconds { get; init; } = 25;
    public int Seed { get; init; }

    public void Validate()
    {
        if (StepSizes.Length != 3 || StepSizes.Any(s => !(s > 0)))
            throw new ArgumentException("scripted operator: end_effector_step_sizes needs three positive numbers (x, y, z).");
        if (BoundsMin.Length != 3 || BoundsMax.Length != 3 || Enumerable.Range(0, 3).Any(i => !(BoundsMin[i] < BoundsMax[i])))
            throw new ArgumentException("scripted operator: end_effector_bounds needs min < max on x, y and z.");
        if (!(Fps > 0)) throw new ArgumentException("scripted operator: fps must be positive.");
        if (!(Gain > 0)) throw new ArgumentException("scripted operator: gain must be positive.");
        if (InterventionRate is < 0 or > 1) throw new ArgumentException($"scripted operator: intervention_rate {InterventionRate} must be within 0..1.");
        if (!(Noise >= 0)) throw new ArgumentException("scripted operator: noise must be ≥ 0.");
        if (!(NoProgressSeconds >= 0)) throw new ArgumentException($"scripted operator: no_progress_seconds {NoProgressSeconds} must be ≥ 0 (0 turns the rule off).");
    }

    public static InterventionMode ParseMode(string text) => text.Trim().ToLowerInvariant() switch
    {
        "always" => InterventionMode.Always,
        "rate" => InterventionMode.Rate,
        "automatic" or "auto" => InterventionMode.Automatic,
        "never" => InterventionMode.Never,
        _ => throw new ArgumentException($"Unknown intervention mode '{text}'. Use always, rate, automatic or never."),
    };
}
