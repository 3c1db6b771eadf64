using RobotActors.Policies.Configs;
using static TorchSharp.torch;

namespace RobotActors.Policies.Processors;

/// <summary>
/// Policies saved by LeRobot before its processor pipelines (PR #1452: lerobot/act_aloha_sim_*, diffusion_pusht,
/// vqbet_pusht on the Hub) keep their normalization statistics inside model.safetensors as
/// "normalize_inputs.buffer_observation_state.mean", "normalize_targets.buffer_action.min",
/// "unnormalize_outputs.buffer_action.std" (the feature key with dots as underscores) and ship no processor files.
/// This reads those statistics back so the default pipelines can be rebuilt, as LeRobot's
/// migrate_policy_normalization.py does.
/// </summary>
public static class LegacyNormalizationBuffers
{
    private static readonly string[] Modules = ["normalize_inputs", "normalize_targets", "unnormalize_outputs"];

    public static bool Present(IReadOnlyDictionary<string, Tensor> tensors) =>
        tensors.Keys.Any(k => Modules.Any(m => k.StartsWith(m + ".buffer_", StringComparison.Ordinal)));

    /// <summary>The statistics of every feature of <paramref name="config"/> found in the buffers.</summary>
    public static DatasetStats Read(PreTrainedConfig config, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var stats = new DatasetStats();
        foreach (var feature in config.InputFeatures.Keys.Concat(config.OutputFeatures.Keys))
        {
            var buffer = "buffer_" + feature.Replace('.', '_');
            foreach (var module in Modules)
            {
                var prefix = $"{module}.{buffer}.";
                foreach (var (key, tensor) in tensors)
                {
                    if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
                    // Unset statistics were saved as infinities.
                    if (tensor.isinf().any().item<bool>()) continue;
                    if (!stats.TryGetValue(feature, out var values)) stats[feature] = values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                    values.TryAdd(key[prefix.Length..], tensor.to(float32));
                }
            }
        }
        return stats;
    }
}
