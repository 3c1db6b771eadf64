using RobotActors.Policies.Configs;

namespace RobotActors.Policies.Training;

/// <summary>LeRobot's dataset_to_policy_features: which dataset columns become which policy features.</summary>
public static class DatasetFeatureMapping
{
    /// <summary>Returns null for bookkeeping columns (index, timestamp, ...) that are not policy features.</summary>
    public static PolicyFeature? ToPolicyFeature(string key, string dtype, int[] shape)
    {
        if (dtype is "image" or "video")
        {
            if (shape.Length != 3)
                throw new PolicyConfigException($"dataset feature '{key}' is an image with shape [{string.Join(",", shape)}]; expected [H, W, C]");
            // Datasets store images H×W×C; policies see C×H×W.
            var chw = shape[2] <= 4 ? new[] { shape[2], shape[0], shape[1] } : shape;
            return new PolicyFeature(FeatureType.Visual, chw);
        }
        if (key == PolicyKeys.Action) return new PolicyFeature(FeatureType.Action, shape);
        if (key == PolicyKeys.Reward) return new PolicyFeature(FeatureType.Reward, shape);
        if (key == PolicyKeys.ObservationEnvironmentState) return new PolicyFeature(FeatureType.Env, shape);
        if (key.StartsWith(PolicyKeys.ObservationPrefix, StringComparison.Ordinal)) return new PolicyFeature(FeatureType.State, shape);
        return null;
    }
}
