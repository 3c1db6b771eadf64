using RobotActors.Rl.Env;

namespace RobotActors.Rl.Rollout;

/// <summary>What drives the arm in a rollout: a policy in this process, or one on another node.</summary>
public interface IRolloutPolicy : IDisposable
{
    string Name { get; }

    /// <summary>
    /// The action for control tick <paramref name="tick"/> from that tick's observation, in the env's action order;
    /// null when there is none to give (a remote policy's queue ran dry): the loop then holds the arm at its last safe goal.
    /// </summary>
    float[]? Act(long tick, EnvObservation observation, ControlPipeline pipeline);

    /// <summary>A new episode starts (episodic strategy): queues and histories are emptied.</summary>
    void Reset();
}
