namespace RobotActors.Policies.Training;

/// <summary>Run settings that cannot work together (e.g. a resume to a step the run has passed); nothing was started.</summary>
public sealed class TrainSettingsException(string message) : ArgumentException(message);
