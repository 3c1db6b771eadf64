using System.Runtime.CompilerServices;

namespace RobotActors.Policies.Tests;

internal static class RlPolicyRegistration
{
    /// <summary>
    /// The trainer tests train the v0.5 sac policy, which RobotActors.Rl implements (it needs the SAC
    /// algorithm); register it as the CLI does at start-up.
    /// </summary>
    [ModuleInitializer]
    internal static void Register() => RobotActors.Rl.RlPolicies.Register();
}
