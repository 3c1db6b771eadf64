namespace RobotActors.Policies.Configs;

/// <summary>A policy config is missing, malformed, or does not fit the features it is given.</summary>
public sealed class PolicyConfigException(string message) : Exception(message);
