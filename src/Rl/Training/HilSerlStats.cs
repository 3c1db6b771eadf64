using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Training;

/// <summary>
/// The normalization statistics a HIL-SERL policy is built with, on the learner and on every robot's replica
/// alike (they must agree, or the pushed weights act on differently scaled inputs): the policy config's
/// dataset_stats (LeRobot's HIL-SERL configs carry them), then the demonstration dataset's for features the
/// config does not cover. A statistic whose width does not fit its feature (LeRobot's placeholder 2-wide
/// state box on a 15-wide state) is left out, so that feature passes unnormalized rather than broadcast wrong.
/// </summary>
public static class HilSerlStats
{
    public static DatasetStats For(GaussianActorConfig config, DatasetStats? dataset = null, Action<string>? warn = null)
    {
        var result = new DatasetStats();
        var features = config.InputFeatures.Concat(config.OutputFeatures).ToDictionary(kv => kv.Key, kv => kv.Value);
        int Width(string key) => key == PolicyKeys.Action ? config.ContinuousActionDim : (int)features[key].Shape[0];
        var placeholders = new GaussianActorConfig().DatasetStats!;
        bool Placeholder(string feature, string stat, double[] values) =>
            placeholders.TryGetValue(feature, out var p) && p.TryGetValue(stat, out var v) && v.SequenceEqual(values);
        if (config.DatasetStats is { } own)
            foreach (var (feature, stats) in own)
            {
                if (!features.ContainsKey(feature)) continue;
                foreach (var (stat, values) in stats)
                {
                    if (Placeholder(feature, stat, values)) continue; // LeRobot's defaults, not statistics of this robot
                    var visual = features[feature].Type == FeatureType.Visual;
                    var fits = visual ? values.Length is 1 or 3 : values.Length == Width(feature) || feature == PolicyKeys.Action && values.Length == config.ExecutedActionDim;
                    if (fits) result.Set(feature, stat, values.Select(v => (float)v).ToArray());
                    else warn?.Invoke($"policy.dataset_stats.{feature}.{stat} has {values.Length} values but {feature} has {Width(feature)}; it is not used");
                }
            }
        if (dataset is not null)
            foreach (var (feature, stats) in dataset)
                if (features.ContainsKey(feature) && !result.ContainsKey(feature))
                    result[feature] = new Dictionary<string, TorchSharp.torch.Tensor>(stats, StringComparer.Ordinal);
        return result;
    }
}
