namespace RobotActors.Devices.Robots;

/// <summary>
/// An arm that cannot be used until somebody calibrates it (no calibration file, or an invalid one).
/// Nothing was written to its motors. <see cref="FixCommand"/> is the command that fixes it.
/// </summary>
public sealed class NotCalibratedException(string message, string fixCommand, Exception? inner = null)
    : InvalidOperationException(message, inner)
{
    public string FixCommand { get; } = fixCommand;
}
