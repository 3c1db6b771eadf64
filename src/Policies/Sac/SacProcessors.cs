using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Processors;

namespace RobotActors.Policies.Sac;

/// <summary>The v0.5 sac policy's processors: gaussian_actor's (the gripper index passes through normalization).</summary>
public static class SacProcessors
{
    public static (ProcessorPipeline Pre, ProcessorPipeline Post) Make(SacConfig config, DatasetStats? stats) =>
        GaussianActorProcessors.Make(config.ToGaussianActorConfig(), stats);
}
