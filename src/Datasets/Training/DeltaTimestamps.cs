using RobotActors.Datasets.Format;

namespace RobotActors.Datasets.Training;

/// <summary>
/// delta_timestamps {key: [seconds...]}, checked to be multiples of 1/fps within tolerance_s and turned
/// into frame offsets with round(d * fps), as LeRobot's check_delta_timestamps / get_delta_indices do.
/// </summary>
public sealed class DeltaTimestamps
{
    public const double DefaultToleranceS = 1e-4;

    public DeltaTimestamps(IReadOnlyDictionary<string, double[]> seconds) => Seconds = seconds;

    public IReadOnlyDictionary<string, double[]> Seconds { get; }

    public Dictionary<string, int[]> ToIndices(DatasetInfo info, double toleranceS = DefaultToleranceS)
    {
        var result = new Dictionary<string, int[]>();
        foreach (var (key, deltas) in Seconds)
        {
            if (!info.HasFeature(key))
                throw new DatasetFormatException($"delta_timestamps names '{key}', which is not a feature of the dataset.");
            var offsets = new int[deltas.Length];
            for (int i = 0; i < deltas.Length; i++)
            {
                double frames = deltas[i] * info.Fps;
                double rounded = Math.Round(frames);
                if (Math.Abs(frames - rounded) / info.Fps > toleranceS)
                    throw new DatasetFormatException(
                        $"delta_timestamps['{key}'][{i}] = {deltas[i]} s is not a multiple of 1/fps = {1.0 / info.Fps} s (tolerance {toleranceS} s).");
                offsets[i] = (int)rounded;
            }
            result[key] = offsets;
        }
        return result;
    }

    public static DeltaTimestamps FromIndices(IReadOnlyDictionary<string, int[]> indices, int fps)
        => new(indices.ToDictionary(kv => kv.Key, kv => kv.Value.Select(i => (double)i / fps).ToArray()));
}
