using System.Runtime.CompilerServices;

namespace RobotActors.Rl.Tests;

internal static class RlPolicyRegistration
{
    /// <summary>
    /// The v0.5 sac policy type is implemented here; register it as the CLI does at start-up. Torch runs on one
    /// thread: these networks are tiny, and on a busy shared machine a second intra-op thread costs more than
    /// it gives (the learning tests that want two set it themselves).
    /// </summary>
    [ModuleInitializer]
    internal static void Register()
    {
        RlPolicies.Register();
        TorchSharp.torch.set_num_threads(1);
    }
}
