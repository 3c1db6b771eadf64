using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Policies.Vqbet;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Vqbet;

/// <summary>
/// A CPU-sized VQ-BeT: one 3×24×24 camera (no crop), a 4-D state, 2-D actions, 2 observation steps, 2 query
/// tokens of 3-action chunks (so 5 actions per window), 8 codes per layer and a 2-layer, 32-wide GPT.
/// </summary>
internal static class SmallVqbet
{
    public const string Camera = "observation.images.front";
    public const int Actions = 5;

    public static VqbetConfig Config(int vqvaeSteps = 3, int imageSide = 24) => new()
    {
        InputFeatures =
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [4]),
            [Camera] = new(FeatureType.Visual, [3, imageSide, imageSide]),
        },
        OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [2]) },
        NObsSteps = 2,
        NActionPredToken = 2,
        ActionChunkSize = 3,
        CropShape = null,
        PretrainedBackboneWeights = null,
        SpatialSoftmaxNumKeypoints = 8,
        NVqvaeTrainingSteps = vqvaeSteps,
        VqvaeNEmbed = 8,
        VqvaeEmbeddingDim = 16,
        VqvaeEncHiddenDim = 32,
        GptBlockSize = 16,
        GptInputDim = 32,
        GptOutputDim = 32,
        GptHiddenDim = 32,
        GptNLayer = 2,
        GptNHead = 2,
        Dropout = 0.0,
    };

    public static Dictionary<string, Tensor> TrainingBatch(int batch) => new()
    {
        [PolicyKeys.ObservationState] = torch.randn(batch, 2, 4),
        [Camera] = torch.rand([batch, 2, 3, 24, 24]),
        [PolicyKeys.Action] = torch.rand([batch, Actions, 2]) * 2 - 1,
        ["action_is_pad"] = torch.zeros(batch, Actions, dtype: ScalarType.Bool),
    };

    public static DatasetStats Stats() => new DatasetStats()
        .Set(PolicyKeys.ObservationState, "min", [-1, -1, -1, -1]).Set(PolicyKeys.ObservationState, "max", [1, 2, 3, 4])
        .Set(Camera, "mean", [0.4f, 0.5f, 0.6f]).Set(Camera, "std", [0.2f, 0.2f, 0.2f])
        .Set(PolicyKeys.Action, "min", [-0.5f, 0]).Set(PolicyKeys.Action, "max", [0.5f, 2]);
}
