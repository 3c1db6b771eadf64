using System.Runtime.CompilerServices;

namespace RobotActors.Rl.Tests;

internal static class RlPolicyRegistration
{
    /// <summary>The v0.5 sac policy type is implemented here; register it as the CLI does at start-up.</summary>
    [ModuleInitializer]
    internal static void Register() => RlPolicies.Register();
}
