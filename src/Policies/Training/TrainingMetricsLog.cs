using System.Globalization;
using System.Text.Json.Nodes;
using RobotActors.Policies.Plotting;

namespace RobotActors.Policies.Training;

/// <summary>
/// The metrics of every logged step, one JSON object per line in OUTPUT/metrics.jsonl ({"step": 200,
/// "elapsed_s": 12.5, "loss_critic": 0.31, ...}), and a PNG of the loss curves (OUTPUT/loss_curves.png)
/// redrawn at each checkpoint: something to look at after a run, without a tracking service.
/// </summary>
public sealed class TrainingMetricsLog(string outputDir)
{
    public const string FileName = "metrics.jsonl";
    public const string PlotName = "loss_curves.png";

    public string FilePath { get; } = Path.Combine(outputDir, FileName);
    public string PlotPath { get; } = Path.Combine(outputDir, PlotName);

    /// <summary>
    /// On resume: drops lines logged after the checkpoint's step (a crash may have left some), so the file
    /// and the curves continue from where the run really is.
    /// </summary>
    public void TruncateAfter(long step)
    {
        if (!File.Exists(FilePath)) return;
        var kept = File.ReadLines(FilePath).Where(line => StepOf(line) is { } s && s <= step).ToList();
        File.WriteAllLines(FilePath, kept);
    }

    public void Append(long step, double elapsedSeconds, IReadOnlyDictionary<string, double> metrics)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
        var line = new JsonObject { ["step"] = step, ["elapsed_s"] = Math.Round(elapsedSeconds, 3) };
        foreach (var (key, value) in metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            line[key] = double.IsFinite(value) ? value : value.ToString(CultureInfo.InvariantCulture);
        File.AppendAllText(FilePath, line.ToJsonString() + "\n");
    }

    /// <summary>Every metric of the file as a series over steps, in file order.</summary>
    public IReadOnlyDictionary<string, Series> Read()
    {
        var steps = new Dictionary<string, (List<double> X, List<double> Y)>();
        if (!File.Exists(FilePath)) return new Dictionary<string, Series>();
        foreach (var text in File.ReadLines(FilePath))
        {
            if (JsonNode.Parse(text) is not JsonObject line || StepOf(text) is not { } step) continue;
            foreach (var (key, node) in line)
            {
                if (key is "step" or "elapsed_s" || node is not JsonValue v || !v.TryGetValue<double>(out var value)) continue;
                if (!steps.TryGetValue(key, out var s)) steps[key] = s = ([], []);
                s.X.Add(step);
                s.Y.Add(value);
            }
        }
        return steps.ToDictionary(kv => kv.Key, kv => new Series(kv.Key, kv.Value.X, kv.Value.Y));
    }

    /// <summary>Draws one panel per loss metric (every metric whose name holds "loss"; all of them when none does).</summary>
    public void PlotLosses(string title)
    {
        var series = Read();
        var losses = series.Where(kv => kv.Key.Contains("loss", StringComparison.Ordinal)).ToList();
        if (losses.Count == 0) losses = series.ToList();
        if (losses.Count == 0) return;
        Plots.Panels(PlotPath, "step", losses.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new Panel($"{title}: {kv.Key}", kv.Key, [kv.Value])).ToList());
    }

    private static long? StepOf(string line)
    {
        try
        {
            return JsonNode.Parse(line)?["step"]?.GetValue<long>();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
