namespace RobotActors.Actors.Configuration;

/// <summary>A setting that is missing, unknown or of the wrong type. Carries the key, so the caller can name the file.</summary>
public sealed class SettingsException(string key, string problem, string fix) : Exception($"{key}: {problem}. {fix}")
{
    public string Key { get; } = key;
    public string Problem { get; } = problem;
    public string Fix { get; } = fix;
}
