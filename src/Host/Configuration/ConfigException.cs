namespace RobotActors.Host.Configuration;

/// <summary>A configuration problem: printed as one message naming the file and the key, exit code 2.</summary>
public sealed class ConfigException(string message, Exception? inner = null) : Exception(message, inner);
