using RobotActors.Actors.Protocol;

namespace RobotActors.Actors.Learner;

// What the learner tells the cluster about itself: a small progress message on a pub-sub topic every few
// seconds (robots print updates/s from it), and its full status for the console, asked through the
// singleton proxy (small messages only; transitions and weights never go through the proxy).

public static class LearnerTopics
{
    /// <summary>The learner publishes <see cref="LearnerProgress"/> here every robotactors.learner.progress-interval.</summary>
    public const string Progress = "ra.learner.progress";
}

/// <summary>The learner's counters at <paramref name="At"/> (its clock), published for robots and dashboards.</summary>
public sealed record LearnerProgress(
    long OptimizationStep, double UpdatesPerSecond, long WeightsVersion, long InteractionStep, int OnlineBufferSize, int OfflineBufferSize,
    DateTimeOffset At) : IProtocolMessage;

public sealed class GetLearnerStatus : IProtocolMessage
{
    public static readonly GetLearnerStatus Instance = new();
    private GetLearnerStatus() { }
}

/// <summary>
/// The learner's state for `learner status`. <paramref name="Phase"/>: idle (no train config, or it was refused:
/// <paramref name="Problem"/> says why), rebuilding (replaying its journal into the buffers), waiting (fewer
/// than online_step_before_learning transitions), training, or failed (training stopped: <paramref name="Problem"/>).
/// </summary>
public sealed record LearnerStatus(
    string Phase,
    string Problem,
    long OptimizationStep,
    long InteractionStep,
    double UpdatesPerSecond,
    int OnlineBufferSize,
    int OfflineBufferSize,
    int OnlineStepBeforeLearning,
    long RefusedTransitions,
    long UnpairedSteps,
    double Temperature,
    IReadOnlyDictionary<string, double> LastLosses,
    string LastCheckpoint,
    long WeightsVersion,
    DateTimeOffset? LastWeightsPush) : IProtocolMessage;
