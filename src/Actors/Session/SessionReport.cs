using System.Globalization;
using System.Text;
using RobotActors.Policies.Plotting;
using RobotActors.Rl.Training;

namespace RobotActors.Actors.Session;

/// <summary>What `robotactors report` wrote.</summary>
public sealed record SessionReportFiles(string Summary, IReadOnlyList<string> Plots);

/// <summary>
/// A HIL-SERL run at a glance, from the robots' session journals (folded into <see cref="SessionState"/>) and the
/// learner's progress log: PNG plots of episode return, success rate and intervention rate per episode, and of the
/// learner's throughput over time, with a short markdown summary beside them. Re-recorded episodes are left out of
/// every figure, as the session's own rates leave them out.
/// </summary>
public static class SessionReport
{
    public const int Window = 20;

    public static SessionReportFiles Write(string outputDir, IReadOnlyList<SessionState> robots, IReadOnlyList<LearnerProgressPoint> learner)
    {
        Directory.CreateDirectory(outputDir);
        var plots = new List<string>();
        var episodes = robots.ToDictionary(r => r.RobotId, r => r.Episodes.Where(e => e.Outcome != EpisodeOutcome.Rerecord).ToList());

        if (episodes.Values.Any(e => e.Count > 0))
        {
            var path = Path.Combine(outputDir, "episodes.png");
            Plots.Panels(path, "episode", [
                new Panel("Episode return", "return", Per(episodes, e => e.Return)),
                new Panel($"Success rate (last {Window} episodes)", "success rate", Rolling(episodes, e => e.Success ? 1 : 0)),
                new Panel("Intervention rate", "share of steps", Per(episodes, e => e.InterventionRate)),
                new Panel($"Intervention rate (last {Window} episodes)", "share of steps", Rolling(episodes, e => e.InterventionRate)),
            ]);
            plots.Add(path);
        }
        if (learner.Count > 0)
        {
            var path = Path.Combine(outputDir, "learner.png");
            var minutes = learner.Select(p => (p.At - learner[0].At).TotalMinutes).ToList();
            Plots.Panels(path, "minutes", [
                new Panel("Learner throughput", "updates/s", [new Series("updates/s", minutes, learner.Select(p => p.UpdatesPerSecond).ToList())]),
                new Panel("Optimization step", "step", [new Series("step", minutes, learner.Select(p => (double)p.OptimizationStep).ToList())]),
            ]);
            plots.Add(path);
        }

        var summary = Path.Combine(outputDir, "report.md");
        File.WriteAllText(summary, Markdown(robots, episodes, learner, plots.Select(Path.GetFileName).ToList()!));
        return new SessionReportFiles(summary, plots);
    }

    private static List<Series> Per(Dictionary<string, List<EpisodeSummary>> episodes, Func<EpisodeSummary, double> value) =>
        episodes.Where(kv => kv.Value.Count > 0)
            .Select(kv => new Series(kv.Key, Enumerable.Range(1, kv.Value.Count).Select(i => (double)i).ToList(), kv.Value.Select(value).ToList()))
            .ToList();

    private static List<Series> Rolling(Dictionary<string, List<EpisodeSummary>> episodes, Func<EpisodeSummary, double> value) =>
        episodes.Where(kv => kv.Value.Count > 0)
            .Select(kv => new Series(kv.Key, Enumerable.Range(1, kv.Value.Count).Select(i => (double)i).ToList(),
                Enumerable.Range(0, kv.Value.Count).Select(i => kv.Value.Skip(Math.Max(0, i + 1 - Window)).Take(Math.Min(Window, i + 1)).Average(value)).ToList()))
            .ToList();

    private static string Markdown(IReadOnlyList<SessionState> robots, Dictionary<string, List<EpisodeSummary>> episodes, IReadOnlyList<LearnerProgressPoint> learner, IReadOnlyList<string> plots)
    {
        var md = new StringBuilder("# HIL-SERL report\n\n");
        string Pct(double v) => (100 * v).ToString("F0", CultureInfo.InvariantCulture) + "%";
        if (robots.Count == 0) md.Append("No robot has a session journal here.\n\n");
        md.Append("| robot | sessions | episodes | steps | success first/last ").Append(Window).Append(" | intervention rate first/last ").Append(Window).Append(" | policy version |\n");
        md.Append("| --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var robot in robots)
        {
            var list = episodes[robot.RobotId];
            var first = list.Take(Window).ToList();
            var last = list.TakeLast(Window).ToList();
            string Rates(Func<EpisodeSummary, double> v) => list.Count == 0 ? "–" : $"{Pct(first.Average(v))} / {Pct(last.Average(v))}";
            md.Append(CultureInfo.InvariantCulture, $"| {robot.RobotId} | {robot.Sessions.Count} | {list.Count} | {robot.StepCount} | {Rates(e => e.Success ? 1 : 0)} | {Rates(e => e.InterventionRate)} | {robot.PolicyVersion} |\n");
        }
        md.Append('\n');
        if (learner.Count == 0)
            md.Append("No learner progress log (").Append(LearnerProgressLog.FileName).Append(") was found, so there is no throughput plot.\n\n");
        else
        {
            var span = learner[^1].At - learner[0].At;
            md.Append(CultureInfo.InvariantCulture,
                $"Learner: optimization step {learner[^1].OptimizationStep} after {span.TotalMinutes:F1} min, {learner.Average(p => p.UpdatesPerSecond):F1} updates/s on average, " +
                $"buffers {learner[^1].OnlineTransitions} online / {learner[^1].OfflineTransitions} offline transitions.\n\n");
        }
        foreach (var plot in plots) md.Append("![").Append(Path.GetFileNameWithoutExtension(plot)).Append("](").Append(plot).Append(")\n\n");
        return md.ToString();
    }
}
