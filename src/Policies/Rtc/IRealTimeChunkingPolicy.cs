using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Rtc;

/// <summary>
/// A chunking policy that can be run with Real-Time Chunking (LeRobot's supports_rtc() = True): it predicts a
/// chunk guided toward the previous chunk's leftover. Plugins implement it on their policy class; runners (eval,
/// the control loop, rollout) find it with a type test and otherwise fall back to select_action.
/// </summary>
public interface IRealTimeChunkingPolicy
{
    /// <summary>The policy's RTC settings (rtc_config).</summary>
    RtcConfig RtcConfig { get; }

    /// <summary>Steps per predicted chunk.</summary>
    int ChunkSize { get; }

    /// <summary>
    /// A full chunk (B, chunk, A) in the policy's normalized units. With a leftover (B, T', A), the previous chunk's
    /// unexecuted actions from the step this chunk starts at, and RTC enabled, sampling is guided toward it; the
    /// first <paramref name="inferenceDelay"/> steps are the ones that execute while it is computed.
    /// </summary>
    /// <remarks>A batch of windows, (B, n_obs_steps, ...) per key, is used as it is, without the policy's own observation
    /// history: <see cref="BackgroundChunkRunner"/> calls it that way from its inference thread.</remarks>
    /// <param name="noise">The starting noise (B, chunk, A); drawn from the global generator when null.</param>
    Tensor PredictActionChunk(IReadOnlyDictionary<string, Tensor> batch, int inferenceDelay, Tensor? previousLeftover, Tensor? noise = null);
}
