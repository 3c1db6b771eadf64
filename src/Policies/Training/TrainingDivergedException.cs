using System.Globalization;

namespace RobotActors.Policies.Training;

/// <summary>
/// A training step produced a non-finite metric (a loss of NaN or Infinity). The run stops at once, so
/// the last checkpoint written before it is the last good one and nothing after it is written.
/// </summary>
public sealed class TrainingDivergedException(string metric, double value, long step, string? lastCheckpoint)
    : InvalidOperationException(
        $"{metric} became {value.ToString(CultureInfo.InvariantCulture)} at step {step}; training stopped. " +
        (lastCheckpoint is null
            ? "No checkpoint had been written yet, and none was. "
            : $"The last good checkpoint is {Checkpoints.Resolve(lastCheckpoint)}; nothing after it was written. ") +
        "Lower the learning rates (e.g. --policy.actor_lr, --policy.critic_lr) or check the dataset for extreme values.")
{
    public string Metric { get; } = metric;
    public long Step { get; } = step;
    public string? LastCheckpoint { get; } = lastCheckpoint;
}
