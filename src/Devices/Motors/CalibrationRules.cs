namespace RobotActors.Devices.Motors;

/// <summary>
/// What a calibration must hold before it may be written to a set of motors: exactly these motors,
/// each with its bus id, ranges inside the servo's resolution with range_min below range_max, a homing
/// offset the servo's register can hold, and drive_mode 0 or 1. Built by a bus (from its motors and
/// control tables) or by an arm type before anything is opened.
/// </summary>
public sealed record CalibrationRules(string Device, IReadOnlyList<CalibrationRules.MotorRule> Motors)
{
    /// <summary>One motor: its name and id, its steps per turn, and the largest homing offset its register holds.</summary>
    public sealed record MotorRule(string Name, int Id, int Resolution, int MaxHomingOffset);

    /// <summary>Every problem of <paramref name="calibration"/>, one line each ("shoulder_pan: range_min 3000 is not below range_max 1000").</summary>
    public IReadOnlyList<string> Check(IReadOnlyDictionary<string, MotorCalibration> calibration)
    {
        var problems = new List<string>();
        var names = string.Join(", ", Motors.Select(m => m.Name));
        foreach (var name in calibration.Keys.Where(k => Motors.All(m => m.Name != k)))
            problems.Add($"{name}: not a motor of {Device} (its motors: {names})");
        foreach (var rule in Motors)
        {
            if (!calibration.TryGetValue(rule.Name, out var c))
            {
                problems.Add($"{rule.Name}: missing (every motor of {Device} needs an entry: {names})");
                continue;
            }
            problems.AddRange(CheckMotor(rule, c));
        }
        return problems;
    }

    private static IEnumerable<string> CheckMotor(MotorRule rule, MotorCalibration c)
    {
        var top = rule.Resolution - 1;
        if (c.Id != rule.Id)
            yield return $"{rule.Name}: id {c.Id}, but {rule.Name} is motor id {rule.Id} (is this another arm's file?)";
        if (c.DriveMode is not (0 or 1))
            yield return $"{rule.Name}: drive_mode {c.DriveMode} must be 0 or 1";
        if (c.RangeMin is < 0 || c.RangeMin > top)
            yield return $"{rule.Name}: range_min {c.RangeMin} is outside the servo's 0..{top} steps";
        if (c.RangeMax is < 0 || c.RangeMax > top)
            yield return $"{rule.Name}: range_max {c.RangeMax} is outside the servo's 0..{top} steps";
        foreach (var p in CheckOrder(rule.Name, c)) yield return p;
        if (Math.Abs((long)c.HomingOffset) > rule.MaxHomingOffset)
            yield return $"{rule.Name}: homing_offset {c.HomingOffset} is outside the servo's ±{rule.MaxHomingOffset}";
    }

    /// <summary>The one rule that holds for any servo: a range must have a width.</summary>
    public static IEnumerable<string> CheckOrder(string motor, MotorCalibration c)
    {
        if (c.RangeMin >= c.RangeMax)
            yield return $"{motor}: range_min {c.RangeMin} is not below range_max {c.RangeMax}";
    }
}
