namespace RobotActors.Devices.Motors;

/// <summary>
/// A calibration (a file, or one about to be written) that must not reach the motors. The message names
/// the source, then each problem on its own line ("shoulder_pan: missing key 'range_max'"), then the fix.
/// </summary>
public sealed class CalibrationException(string source, IReadOnlyList<string> problems, string fix)
    : Exception($"{source} is not a valid calibration:\n" + string.Join('\n', problems.Select(p => "  " + p)) +
                           $"\nNothing was written to the motors. {fix}")
{
    public string CalibrationSource { get; } = source;
    public IReadOnlyList<string> Problems { get; } = problems;
}
