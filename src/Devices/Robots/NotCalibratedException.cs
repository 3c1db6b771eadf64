namespace RobotActors.Devices.Robots;

/// <summary>
/// An arm that cannot be used until somebody calibrates it (no calibration file, or an invalid one).
/// Nothing was written to its motors. <see cref="FixCommand"/> is the command that fixes it, and
/// <see cref="CalibrationPath"/> the file it writes, so a waiting node can notice when it appears.
/// </summary>
public sealed class NotCalibratedException(string message, string fixCommand, string calibrationPath, Exception? inner = null)
    : InvalidOperationException(message, inner)
{
    public string FixCommand { get; } = fixCommand;
    public string CalibrationPath { get; } = calibrationPath;
}
