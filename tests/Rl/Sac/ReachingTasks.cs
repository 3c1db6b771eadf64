using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Sac;
using RobotActors.Rl.Algorithms.Sac;

namespace RobotActors.Rl.Tests.Sac;

/// <summary>What the SAC learning tests share: settings for short sparse-reward reaching tasks and the episode loop that scores a controller.</summary>
public static class ReachingTasks
{
    /// <summary>
    /// SAC for short episodes (discount 0.9) with learning rates and a target update fast enough to learn in
    /// a few thousand steps, and a low initial temperature; features and network sizes are the caller's.
    /// </summary>
    public static SacConfig SacConfig(int hiddenDim) => new()
    {
        LatentDim = 64,
        CriticNetworkKwargs = new() { HiddenDims = [hiddenDim, hiddenDim] },
        ActorNetworkKwargs = new() { HiddenDims = [hiddenDim, hiddenDim] },
        Discount = 0.9,
        TemperatureInit = 0.1,
        ActorLr = 1e-3,
        CriticLr = 1e-3,
        TemperatureLr = 1e-3,
        CriticTargetUpdateWeight = 0.01,
    };

    /// <summary>The v0.5 config's two halves, as LeRobot's split maps it: the gaussian_actor policy and the SAC algorithm.</summary>
    public static (GaussianActorConfig Policy, SacAlgorithmConfig Algorithm) Split(SacConfig config) =>
        (config.ToGaussianActorConfig(), SacAlgorithmConfig.FromSacConfig(config));

    /// <summary>The share of episodes that end in success: <paramref name="step"/> acts once and reports (done = reached, truncated = out of time).</summary>
    public static double SuccessRate(int episodes, Action reset, Func<(bool Done, bool Truncated)> step)
    {
        var successes = 0;
        for (var e = 0; e < episodes; e++)
        {
            reset();
            while (true)
            {
                var (done, truncated) = step();
                if (done) { successes++; break; }
                if (truncated) break;
            }
        }
        return (double)successes / episodes;
    }
}
