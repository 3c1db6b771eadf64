using RobotActors.Policies.Rtc;
using RobotActors.Policies.Torch;
using RobotActors.Rl.Env;
using RobotActors.Rl.Eval;
using TorchSharp;

namespace RobotActors.Rl.Rollout;

/// <summary>
/// lerobot-rollout's --inference.type=rtc: a Real-Time Chunking policy in this process whose next chunk is computed on
/// an inference thread while the control loop executes the queued actions (<see cref="BackgroundChunkRunner"/>).
/// A tick with nothing queued returns null: the loop holds the arm at its last safe goal.
/// </summary>
public sealed class RtcRolloutPolicy : IRolloutPolicy
{
    private readonly PretrainedEvalPolicy _policy;
    private readonly BackgroundChunkRunner _runner;

    /// <param name="queueThreshold">Start the next chunk when this many actions are left (null: the policy's rtc_config.execution_horizon).</param>
    /// <param name="guided">false: background chunks without guidance toward the leftover (to compare with RTC).</param>
    public RtcRolloutPolicy(PretrainedEvalPolicy policy, int? queueThreshold = null, bool guided = true, Action<long>? beforeInference = null)
    {
        if (policy.Policy is not IRealTimeChunkingPolicy rtc)
            throw new ArgumentException($"{policy.Name} does not support Real-Time Chunking (it is not an IRealTimeChunkingPolicy); run it with --inference.type=sync.");
        _policy = policy;
        // Background chunks are guided whatever the saved rtc_config.enabled says: --inference.type=rtc asks for it.
        rtc.RtcConfig.Enabled = guided;
        var post = policy.Postprocessor;
        _runner = new BackgroundChunkRunner(rtc, post is null ? null : post.ProcessAction,
            Math.Clamp(queueThreshold ?? rtc.RtcConfig.ExecutionHorizon, 1, rtc.ChunkSize), guided, policy.Policy.Config.NObsSteps, beforeInference);
    }

    public string Name => _policy.Name;

    public BackgroundChunkRunner Runner => _runner;

    public BackgroundChunkFigures Figures => _runner.Figures;

    public float[]? Act(long tick, EnvObservation observation, ControlPipeline pipeline)
    {
        using var scope = torch.NewDisposeScope();
        using var region = FinalizerSafeRegion.Enter(); // the preprocessor's torch calls: see FinalizerSafeRegion
        var action = _runner.Next(tick, () => _policy.PolicyInput(observation, pipeline));
        return action?.to(torch.ScalarType.Float32).reshape(-1).data<float>().ToArray();
    }

    public void Reset() => _runner.Reset();

    public void Dispose()
    {
        _runner.Dispose();
        _policy.Dispose();
    }
}
