using RobotActors.Datasets.Reading;
using RobotActors.Policies.Configs;
using RobotActors.Rl.Env;

namespace RobotActors.Rl.Recording;

/// <summary>How a replay went, beside what was recorded.</summary>
public sealed record ReplayResult(long Episode, int Actions, int? FirstSuccessStep, bool FinalSuccess, int? RecordedSuccessStep, double RecordedReward);

/// <summary>
/// lerobot-replay / gym_manipulator's replay mode: the action column of one episode sent, at the env's rate,
/// through the action processor (IK, bounds, safety) to the robot. On the simulated workcell the scene is set up
/// from the recording's seed first, so a replay in lockstep repeats the recorded episode.
/// </summary>
public sealed class EpisodeReplay(GymManipulatorEnv env)
{
    public ReplayResult Run(LeRobotDataset dataset, long episodeIndex, int seed, Action<int, StepResult>? onStep = null, CancellationToken cancel = default)
    {
        var episode = dataset.Episode(episodeIndex);
        var actionFeature = dataset.Info.Features.FirstOrDefault(f => f.Key == PolicyKeys.Action)
            ?? throw new InvalidDataException($"{dataset.Root} has no 'action' column to replay.");
        var names = env.Pipeline.ActionProcessor.Steps.OfType<Env.Processors.InterventionActionProcessorStep>().First().ActionNames;
        if (actionFeature.ElementCount != names.Count)
            throw new ArgumentException($"{dataset.Root}: its actions have {actionFeature.ElementCount} values but this env acts with [{string.Join(", ", names)}]; replay with the config it was recorded with.");
        if (dataset.Fps != env.Config.Fps)
            throw new ArgumentException($"{dataset.Root} was recorded at {dataset.Fps} fps but the env runs at {env.Config.Fps}; set env.fps (or --dataset.fps) to {dataset.Fps}.");
        env.Reset(seed: EpisodeRecording.EpisodeSeed(seed, episodeIndex), waitResetTime: env.World is null);
        int? firstSuccess = null, recordedSuccess = null;
        var finalSuccess = false;
        double recordedReward = 0;
        var hasReward = dataset.Info.HasFeature(PolicyKeys.Reward);
        var steps = 0;
        for (var i = episode.DatasetFromIndex; i < episode.DatasetToIndex && !cancel.IsCancellationRequested; i++)
        {
            var frame = dataset.GetGlobal(i);
            var step = env.Step(frame[PolicyKeys.Action].ToFloats());
            steps++;
            if (hasReward && frame[PolicyKeys.Reward].Scalar > 0)
            {
                recordedSuccess ??= steps;
                recordedReward = Math.Max(recordedReward, frame[PolicyKeys.Reward].Scalar);
            }
            finalSuccess = step.Task?.Success ?? step.Reward > 0;
            if (finalSuccess) firstSuccess ??= steps;
            onStep?.Invoke(steps, step);
        }
        return new ReplayResult(episodeIndex, steps, firstSuccess, finalSuccess, recordedSuccess, recordedReward);
    }
}
