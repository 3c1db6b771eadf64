using RobotActors.Rl.Env;
using RobotActors.Rl.Eval;

namespace RobotActors.Rl.Rollout;

/// <summary>
/// lerobot-rollout's --inference.type=sync: the policy runs on the control thread, select_action with its own
/// action queue (a chunking policy predicts a chunk when its queue is empty, which that tick pays for).
/// </summary>
public sealed class SyncRolloutPolicy(PretrainedEvalPolicy policy) : IRolloutPolicy
{
    public string Name => policy.Name;

    public float[]? Act(long tick, EnvObservation observation, ControlPipeline pipeline) => policy.Act(observation, pipeline);

    public void Reset() => policy.Reset();

    public void Dispose() => policy.Dispose();
}
