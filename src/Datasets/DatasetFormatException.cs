namespace RobotActors.Datasets;

/// <summary>
/// A dataset on disk (or a frame handed to the writer) breaks the LeRobot format. The message names the
/// file or feature at fault and, where there is one, the fix.
/// </summary>
public sealed class DatasetFormatException(string message, Exception? inner = null) : Exception(message, inner);
