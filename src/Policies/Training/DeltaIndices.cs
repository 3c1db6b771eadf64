using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Training;

/// <summary>
/// LeRobot's resolve_delta_timestamps, in frame offsets: "action" gets the policy's action_delta_indices,
/// "next.reward" its reward_delta_indices and every "observation.*" key its observation_delta_indices.
/// A dataset then returns each such key stacked over the offsets, with "{key}_is_pad" marking the offsets
/// that fell outside the frame's episode (those repeat the episode's edge frame).
/// </summary>
public static class DeltaIndices
{
    public static Dictionary<string, int[]> For(PreTrainedConfig config, IEnumerable<string> datasetKeys)
    {
        var result = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var key in datasetKeys)
        {
            var indices = key == PolicyKeys.Action ? config.ActionDeltaIndices
                : key == PolicyKeys.Reward ? config.RewardDeltaIndices
                : key.StartsWith(PolicyKeys.ObservationPrefix, StringComparison.Ordinal) ? config.ObservationDeltaIndices
                : null;
            if (indices is not null) result[key] = indices.ToArray();
        }
        return result;
    }

    /// <summary>
    /// For frame <paramref name="index"/> of the episode [start, end): the frames to read (clamped into the
    /// episode) and whether each offset is padding.
    /// </summary>
    public static (int[] Frames, bool[] IsPad) Resolve(int index, int start, int end, IReadOnlyList<int> offsets)
    {
        var frames = new int[offsets.Count];
        var pad = new bool[offsets.Count];
        for (var t = 0; t < offsets.Count; t++)
        {
            var q = index + offsets[t];
            pad[t] = q < start || q >= end;
            frames[t] = Math.Clamp(q, start, end - 1);
        }
        return (frames, pad);
    }
}
