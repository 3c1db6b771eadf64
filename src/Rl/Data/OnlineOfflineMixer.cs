using RobotActors.Rl.Buffers;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Data;

/// <summary>
/// LeRobot's OnlineOfflineMixer (rl/data_sources/data_mixer.py): each batch takes n_online = max(1,
/// int(B·online_ratio)) transitions from the online buffer and the rest from the offline (demonstration)
/// buffer, concatenated in that order; without an offline buffer every transition is online. An offline buffer
/// that is still empty (no demonstration dataset; it fills with the interventions as they come) also leaves
/// the whole batch to the online buffer until it holds a transition.
/// </summary>
public sealed class OnlineOfflineMixer
{
    public OnlineOfflineMixer(ReplayBuffer online, ReplayBuffer? offline = null, double onlineRatio = 1.0)
    {
        if (!(onlineRatio >= 0 && onlineRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(onlineRatio), onlineRatio, "online_ratio must be in [0, 1]");
        Online = online;
        Offline = offline;
        OnlineRatio = onlineRatio;
    }

    public ReplayBuffer Online { get; }
    public ReplayBuffer? Offline { get; }
    public double OnlineRatio { get; }

    /// <summary>(online, offline) counts for a batch of <paramref name="batchSize"/>.</summary>
    public (int Online, int Offline) Split(int batchSize)
    {
        if (Offline is null || Offline.Count == 0) return (batchSize, 0);
        var online = Math.Max(1, (int)(batchSize * OnlineRatio));
        return (online, batchSize - online);
    }

    public Dictionary<string, Tensor> Sample(int batchSize)
    {
        var (n, m) = Split(batchSize);
        var online = Online.Sample(n);
        if (m == 0 || Offline is null) return online;
        var offline = Offline.Sample(m);
        return Concatenate(online, offline);
    }

    /// <summary>An endless sequence of mixed batches.</summary>
    public IEnumerator<Dictionary<string, Tensor>> Iterator(int batchSize)
    {
        while (true) yield return Sample(batchSize);
    }

    /// <summary>LeRobot's concatenate_batch_transitions: every key along the batch dimension, left first.</summary>
    public static Dictionary<string, Tensor> Concatenate(Dictionary<string, Tensor> left, Dictionary<string, Tensor> right)
    {
        var missing = left.Keys.Except(right.Keys).Concat(right.Keys.Except(left.Keys)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"the online and offline buffers hold different features ({string.Join(", ", missing)}); build the offline buffer with the policy's input features");
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, l) in left)
        {
            result[key] = torch.cat([l, right[key]], 0);
            l.Dispose();
            right[key].Dispose();
        }
        return result;
    }
}
