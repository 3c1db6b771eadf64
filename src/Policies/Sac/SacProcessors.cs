using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Sac;

/// <summary>
/// SAC's pre/post-processors: LeRobot's default pipelines, except that the gripper index (the last action
/// column when num_discrete_actions is set) passes through normalization unchanged.
/// </summary>
public static class SacProcessors
{
    public static (ProcessorPipeline Pre, ProcessorPipeline Post) Make(SacConfig config, DatasetStats? stats) =>
        DefaultProcessors.Make(config, stats is null || config.NumDiscreteActions is not > 0 ? stats : WithIdentityGripper(stats));

    private static DatasetStats WithIdentityGripper(DatasetStats stats)
    {
        var result = new DatasetStats();
        foreach (var (feature, values) in stats)
            result[feature] = new Dictionary<string, Tensor>(values);
        if (!result.TryGetValue(PolicyKeys.Action, out var action)) return result;
        // Values chosen so every mode maps the index to itself: min/max and quantiles at ±1, mean 0, std 1.
        foreach (var (stat, value) in new Dictionary<string, float>
                 { ["min"] = -1, ["max"] = 1, ["q01"] = -1, ["q99"] = 1, ["q10"] = -1, ["q90"] = 1, ["mean"] = 0, ["std"] = 1 })
        {
            if (!action.TryGetValue(stat, out var tensor)) continue;
            var copy = tensor.clone();
            copy[-1] = torch.tensor(value);
            action[stat] = copy;
        }
        return result;
    }
}
