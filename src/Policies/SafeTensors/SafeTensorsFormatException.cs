namespace RobotActors.Policies.SafeTensors;

/// <summary>A safetensors file (or a tensor given to the writer) does not follow the format.</summary>
public sealed class SafeTensorsFormatException(string message) : Exception(message);
