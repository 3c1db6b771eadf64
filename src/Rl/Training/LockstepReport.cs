namespace RobotActors.Rl.Training;

/// <summary>One episode of a lockstep HIL-SERL run: its outcome, how much the operator drove, and where training stood.</summary>
public sealed record LockstepEpisode(int Episode, double Return, bool Success, int Length, double InterventionRate, long PolicyVersion,
    long EnvSteps, long OptimizationSteps, TimeSpan Wall);

/// <summary>
/// The run's figures: the success rate over the last <see cref="Window"/> episodes, the intervention rate (intervened steps
/// / steps) over the first and the last <see cref="Window"/> episodes, and the env steps done when the success rate over
/// <see cref="Window"/> consecutive episodes first reached <see cref="Threshold"/> (null: never). An episode the operator
/// solved counts as a success, as LeRobot's actor counts it; <see cref="AutonomousSuccessRateLast"/> counts only the last
/// window's successes without a single intervened step, the policy's own.
/// </summary>
public sealed record LockstepSummary(int Episodes, int Window, double Threshold, double SuccessRateLast, double InterventionRateFirst,
    double InterventionRateLast, long? EnvStepsToThreshold, int? EpisodesToThreshold, long EnvSteps, long OptimizationSteps, TimeSpan Wall, double AutonomousSuccessRateLast = 0)
{
    public static LockstepSummary Of(IReadOnlyList<LockstepEpisode> episodes, int window, double threshold, long optimizationSteps, TimeSpan wall)
    {
        static double Interventions(IEnumerable<LockstepEpisode> e)
        {
            var list = e.ToList();
            var steps = list.Sum(x => x.Length);
            return steps == 0 ? 0 : list.Sum(x => x.InterventionRate * x.Length) / steps;
        }
        var first = episodes.Take(window).ToList();
        var last = episodes.Skip(Math.Max(0, episodes.Count - window)).ToList();
        long? stepsTo = null;
        int? episodesTo = null;
        for (var i = window - 1; i < episodes.Count; i++)
        {
            var successes = 0;
            for (var j = i - window + 1; j <= i; j++) successes += episodes[j].Success ? 1 : 0;
            if ((double)successes / window < threshold) continue;
            stepsTo = episodes[i].EnvSteps;
            episodesTo = i + 1;
            break;
        }
        return new LockstepSummary(episodes.Count, window, threshold, last.Count == 0 ? 0 : last.Count(e => e.Success) / (double)last.Count,
            Interventions(first), Interventions(last), stepsTo, episodesTo, episodes.Count == 0 ? 0 : episodes[^1].EnvSteps, optimizationSteps, wall,
            last.Count == 0 ? 0 : last.Count(e => e.Success && e.InterventionRate == 0) / (double)last.Count);
    }
}
