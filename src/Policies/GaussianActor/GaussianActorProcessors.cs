using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.GaussianActor;

/// <summary>
/// gaussian_actor's pre/post-processors: LeRobot's default pipelines, except that the gripper index (the
/// action column after the continuous ones when num_discrete_actions is set) passes through normalization
/// unchanged, as LeRobot's post-processor leaves the discrete index alone.
/// </summary>
public static class GaussianActorProcessors
{
    public static (ProcessorPipeline Pre, ProcessorPipeline Post) Make(GaussianActorConfig config, DatasetStats? stats) =>
        DefaultProcessors.Make(config, stats is null || config.NumDiscreteActions is not > 0 ? stats : WithIdentityGripper(stats, config.ContinuousActionDim));

    // Values chosen so every mode maps the index to itself: min/max and quantiles at ±1, mean 0, std 1.
    private static readonly Dictionary<string, float> Identity = new()
        { ["min"] = -1, ["max"] = 1, ["q01"] = -1, ["q99"] = 1, ["q10"] = -1, ["q90"] = 1, ["mean"] = 0, ["std"] = 1 };

    /// <summary>
    /// Action statistics over continuous + gripper columns: a dataset's (one column per executed action
    /// dimension) get their last column replaced, LeRobot's (continuous columns only) get one appended.
    /// </summary>
    public static DatasetStats WithIdentityGripper(DatasetStats stats, int continuousDim)
    {
        var result = new DatasetStats();
        foreach (var (feature, values) in stats)
            result[feature] = new Dictionary<string, Tensor>(values);
        if (!result.TryGetValue(PolicyKeys.Action, out var action)) return result;
        foreach (var (stat, tensor) in action.ToList())
        {
            if (!Identity.TryGetValue(stat, out var value)) continue;
            var width = tensor.dim() == 0 ? 1 : tensor.shape[0];
            if (width == continuousDim + 1)
            {
                var copy = tensor.clone();
                copy[-1] = torch.tensor(value);
                action[stat] = copy;
            }
            else if (width == continuousDim)
                action[stat] = torch.cat([tensor.reshape(-1).to(float32), torch.tensor(new[] { value })]);
            else
                throw new PolicyConfigException($"the '{stat}' statistic of 'action' has {width} values; with {continuousDim} continuous dimensions and a gripper it needs {continuousDim} or {continuousDim + 1}");
        }
        return result;
    }
}
