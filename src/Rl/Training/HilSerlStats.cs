using RobotActors.Policies.Configs;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Processors;

namespace RobotActors.Rl.Training;

/// <summary>
/// The normalization statistics a HIL-SERL policy is built with — the policy config's dataset_stats, as LeRobot's
/// actor and learner both take them (neither reads a dataset's) — so the learner and every robot's replica
/// scale inputs alike; the pushed weights only carry the actor. A statistic whose width does not fit its
/// feature is named and left out (silently for LeRobot's placeholder defaults, a 2-wide state box and a 3-wide
/// action box, which a config without dataset_stats carries): that feature then passes unnormalized rather than
/// broadcast wrong.
/// </summary>
public static class HilSerlStats
{
    public static DatasetStats For(GaussianActorConfig config, Action<string>? warn = null)
    {
        var result = new DatasetStats();
        var features = config.InputFeatures.Concat(config.OutputFeatures).ToDictionary(kv => kv.Key, kv => kv.Value);
        int Width(string key) => key == PolicyKeys.Action ? config.ContinuousActionDim : (int)features[key].Shape[0];
        var placeholders = new GaussianActorConfig().DatasetStats!;
        bool Placeholder(string feature, string stat, double[] values) => // LeRobot's defaults, not statistics of this robot
            placeholders.TryGetValue(feature, out var p) && p.TryGetValue(stat, out var v) && v.SequenceEqual(values);
        foreach (var (feature, stats) in config.DatasetStats ?? [])
        {
            if (!features.ContainsKey(feature)) continue;
            foreach (var (stat, values) in stats)
            {
                var visual = features[feature].Type == FeatureType.Visual;
                var fits = visual ? values.Length is 1 or 3 : values.Length == Width(feature) || feature == PolicyKeys.Action && values.Length == config.ExecutedActionDim;
                if (fits) result.Set(feature, stat, values.Select(v => (float)v).ToArray());
                else if (!Placeholder(feature, stat, values)) warn?.Invoke($"policy.dataset_stats.{feature}.{stat} has {values.Length} values but {feature} has {Width(feature)}; it is not used");
            }
        }
        return result;
    }

    /// <summary>
    /// A gaussian_actor policy and its processors as the HIL-SERL learner builds them: what a robot's policy replica
    /// must build too, before it imports the learner's <see cref="ActorWeights"/>.
    /// </summary>
    public static (GaussianActorPolicy Policy, ProcessorPipeline Pre, ProcessorPipeline Post) Build(GaussianActorConfig config, Action<string>? warn = null)
    {
        var stats = For(config, warn);
        var (pre, post) = GaussianActorProcessors.Make(config, stats);
        return (new GaussianActorPolicy(config, stats), pre, post);
    }
}
