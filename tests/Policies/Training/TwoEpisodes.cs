using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Policies.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Training;

internal static class TwoEpisodes
{
    /// <summary>Two episodes of 6 and 4 frames; state and action of frame i are i (in every dimension), env state is 10·i.</summary>
    public static InMemoryPolicyDataset Dataset()
    {
        const int frames = 10;
        var i = torch.arange(frames, dtype: float32);
        var features = new Dictionary<string, PolicyFeature>
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [2]),
            [PolicyKeys.ObservationEnvironmentState] = new(FeatureType.Env, [3]),
            [PolicyKeys.Action] = new(FeatureType.Action, [2]),
        };
        var stats = new DatasetStats()
            .Set(PolicyKeys.ObservationState, "mean", [0, 0]).Set(PolicyKeys.ObservationState, "std", [1, 1])
            .Set(PolicyKeys.ObservationEnvironmentState, "mean", [0, 0, 0]).Set(PolicyKeys.ObservationEnvironmentState, "std", [1, 1, 1])
            .Set(PolicyKeys.Action, "mean", [0, 0]).Set(PolicyKeys.Action, "std", [1, 1]);
        return new InMemoryPolicyDataset(features, stats, new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = i.unsqueeze(1).repeat(1, 2),
            [PolicyKeys.ObservationEnvironmentState] = (10 * i).unsqueeze(1).repeat(1, 3),
            [PolicyKeys.Action] = i.unsqueeze(1).repeat(1, 2),
            [TransitionBatches.EpisodeIndexKey] = torch.tensor(new long[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1 }),
        });
    }


    /// <summary>An ACT small enough to take a training step in milliseconds (no camera: the environment state conditions it).</summary>
    public static Dictionary<string, string> TinyAct() => new()
    {
        ["chunk_size"] = "4", ["n_action_steps"] = "2", ["dim_model"] = "16", ["n_heads"] = "2", ["dim_feedforward"] = "32",
        ["n_encoder_layers"] = "1", ["n_vae_encoder_layers"] = "1", ["latent_dim"] = "4", ["pretrained_backbone_weights"] = "null",
        ["optimizer_lr"] = "1e-2",
    };
}
