using System.Globalization;
using System.Text.Json;

namespace RobotActors.Rl.Training;

/// <summary>One line of the learner's progress: when, how far, how fast, how full its buffers are.</summary>
public sealed record LearnerProgressPoint(DateTimeOffset At, long OptimizationStep, double UpdatesPerSecond, long OnlineTransitions, long OfflineTransitions);

/// <summary>
/// The learner's progress over time as JSON lines (`progress.jsonl` in its output folder), appended as it runs so a
/// crash loses at most the last line, and read back by `robotactors report` for the throughput plot. A line that
/// cannot be read (a crash mid-write) is skipped, not fatal: the lines before it are still the learner's history.
/// </summary>
public static class LearnerProgressLog
{
    public const string FileName = "progress.jsonl";

    public static void Append(string path, LearnerProgressPoint point)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{{\"time\":\"{point.At:O}\",\"step\":{point.OptimizationStep},\"updates_per_s\":{point.UpdatesPerSecond:R},\"online\":{point.OnlineTransitions},\"offline\":{point.OfflineTransitions}}}");
        File.AppendAllText(path, line + "\n");
    }

    /// <summary>Every readable line of the file, oldest first; none when there is no file.</summary>
    public static IReadOnlyList<LearnerProgressPoint> Read(string path, Action<string>? onSkipped = null)
    {
        if (!File.Exists(path)) return [];
        var points = new List<LearnerProgressPoint>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var o = doc.RootElement;
                points.Add(new LearnerProgressPoint(
                    DateTimeOffset.Parse(o.GetProperty("time").GetString()!, CultureInfo.InvariantCulture),
                    o.GetProperty("step").GetInt64(), o.GetProperty("updates_per_s").GetDouble(),
                    o.TryGetProperty("online", out var on) ? on.GetInt64() : 0, o.TryGetProperty("offline", out var off) ? off.GetInt64() : 0));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
            {
                onSkipped?.Invoke($"{path}:{number}: skipped a line that is not a progress record ({e.Message})");
            }
        }
        return points;
    }
}
