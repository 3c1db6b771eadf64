namespace RobotActors.Host;

/// <summary>Process exit codes, so scripts can tell failures apart.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A command ran and failed (the node refused it, a check failed, ...).</summary>
    public const int Failed = 1;
    /// <summary>Bad usage or bad configuration: nothing was started.</summary>
    public const int Usage = 2;
    /// <summary>No node answered the console.</summary>
    public const int Unreachable = 3;
}
