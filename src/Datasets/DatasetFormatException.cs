namespace RobotActors.Datasets;

/// <summary>
/// A dataset on disk (or a frame handed to the writer) breaks the LeRobot format. The message names the
/// file or feature at fault and, where there is one, the fix.
/// </summary>
public sealed class DatasetFormatException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>"Run `robotactors dataset validate ROOT` ...": what to run about a dataset that failed to read.</summary>
    public static string ValidateHint(string root) => $"Run `robotactors dataset validate {root}` to list every problem of the dataset.";

    /// <summary>The hint for stats that do not fit the data: rewrite them from it.</summary>
    public static string RecomputeHint(string root) => $"Run `robotactors dataset stats {root} --recompute` to rewrite meta/stats.json from the data.";

    /// <summary>This error with <paramref name="hint"/> appended, unless it already says what to run.</summary>
    public DatasetFormatException WithHint(string hint) =>
        Message.Contains("`robotactors ", StringComparison.Ordinal) ? this
            : new DatasetFormatException($"{Message}{(Message.TrimEnd().EndsWith('.') ? "" : ".")} {hint}", this);
}
