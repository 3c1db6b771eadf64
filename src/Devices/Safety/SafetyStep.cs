namespace RobotActors.Devices.Safety;

/// <summary>Limits every action passes before it reaches a bus.</summary>
public sealed record SafetyLimits
{
    /// <summary>Per feature ("shoulder_pan.pos"): the allowed range.</summary>
    public IReadOnlyDictionary<string, (double Min, double Max)> Joints { get; init; } = new Dictionary<string, (double, double)>();
    /// <summary>Largest change of a goal from the previous safe goal per tick (null = no limit).</summary>
    public double? MaxStepPerTick { get; init; }
}

/// <summary>What the safety step did to one action.</summary>
public readonly record struct SafetyOutcome(Dictionary<string, double> Action, int NonFinite, int LimitClamps, int StepClamps)
{
    public bool Modified => NonFinite + LimitClamps + StepClamps > 0;
}

/// <summary>
/// The last gate before the bus: non-finite values hold the last safe goal, goals are clamped
/// to the joint limits and to a maximum step per tick. It counts what it changed and never
/// throws, so a bad action cannot crash a control loop.
/// </summary>
public sealed class SafetyStep(SafetyLimits limits)
{
    private readonly Dictionary<string, double> _lastSafe = new();
    private long _nonFinite, _limitClamps, _stepClamps;

    public SafetyLimits Limits { get; } = limits;
    public long NonFiniteCount => Interlocked.Read(ref _nonFinite);
    public long LimitClampCount => Interlocked.Read(ref _limitClamps);
    public long StepClampCount => Interlocked.Read(ref _stepClamps);
    public IReadOnlyDictionary<string, double> LastSafe => _lastSafe;

    /// <summary>Starts the step limit from where the robot is (call with its present positions).</summary>
    public void Seed(IReadOnlyDictionary<string, double> present)
    {
        foreach (var (k, v) in present)
            if (double.IsFinite(v)) _lastSafe[k] = v;
    }

    public SafetyOutcome Apply(IReadOnlyDictionary<string, double> action)
    {
        var output = new Dictionary<string, double>(action.Count);
        int nonFinite = 0, limited = 0, stepped = 0;
        foreach (var (key, raw) in action)
        {
            var value = raw;
            if (!double.IsFinite(value))
            {
                nonFinite++;
                if (_lastSafe.TryGetValue(key, out var hold)) output[key] = hold;
                continue; // no safe value known: leave the joint where it is
            }
            if (Limits.Joints.TryGetValue(key, out var range))
            {
                var clamped = Math.Clamp(value, range.Min, range.Max);
                if (clamped != value) { limited++; value = clamped; }
            }
            if (Limits.MaxStepPerTick is { } maxStep && _lastSafe.TryGetValue(key, out var last))
            {
                var stepped1 = last + Math.Clamp(value - last, -maxStep, maxStep);
                if (stepped1 != value) { stepped++; value = stepped1; }
            }
            output[key] = value;
            _lastSafe[key] = value;
        }
        Interlocked.Add(ref _nonFinite, nonFinite);
        Interlocked.Add(ref _limitClamps, limited);
        Interlocked.Add(ref _stepClamps, stepped);
        return new SafetyOutcome(output, nonFinite, limited, stepped);
    }
}
