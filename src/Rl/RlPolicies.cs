using RobotActors.Policies;
using RobotActors.Policies.Sac;
using RobotActors.Rl.Algorithms.Sac;

namespace RobotActors.Rl;

/// <summary>
/// Registers the policy classes that live here because they need the RL algorithms: the v0.5 sac policy
/// (gaussian_actor + SAC algorithm). Call once at start-up, before making or loading a policy; it is idempotent.
/// </summary>
public static class RlPolicies
{
    public static void Register() => PolicyFactory.RegisterPolicyClass(typeof(SacConfig), typeof(SacPolicy));
}
