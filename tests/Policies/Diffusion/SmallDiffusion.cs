using RobotActors.Policies.Configs;
using RobotActors.Policies.Diffusion;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Diffusion;

/// <summary>A CPU-sized Diffusion Policy: one 3×48×48 camera cropped to 40×40, a 4-D state, 2-D actions, a two-stage U-Net.</summary>
internal static class SmallDiffusion
{
    public const string Camera = "observation.images.front";

    public static DiffusionConfig Config(string scheduler = "DDIM") => new()
    {
        InputFeatures =
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [4]),
            [Camera] = new(FeatureType.Visual, [3, 48, 48]),
        },
        OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [2]) },
        NObsSteps = 2,
        Horizon = 8,
        NActionSteps = 4,
        CropShape = [40, 40],
        PretrainedBackboneWeights = null,
        SpatialSoftmaxNumKeypoints = 8,
        DownDims = [16, 32],
        KernelSize = 3,
        NGroups = 4,
        DiffusionStepEmbedDim = 16,
        NumTrainTimesteps = 20,
        NumInferenceSteps = 5,
        NoiseSchedulerType = scheduler,
    };

    public static Dictionary<string, Tensor> Observation(int batch = 2) => new()
    {
        [PolicyKeys.ObservationState] = torch.randn(batch, 4),
        [Camera] = torch.randn(batch, 3, 48, 48),
    };

    public static Dictionary<string, Tensor> TrainingBatch(int batch)
    {
        return new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = torch.randn(batch, 2, 4),
            [Camera] = torch.randn([batch, 2, 3, 48, 48]),
            [PolicyKeys.Action] = torch.rand([batch, 8, 2]) * 2 - 1,
            ["action_is_pad"] = torch.zeros(batch, 8, dtype: ScalarType.Bool),
        };
    }

    public static DatasetStats Stats() => new DatasetStats()
        .Set(PolicyKeys.ObservationState, "min", [-1, -1, -1, -1]).Set(PolicyKeys.ObservationState, "max", [1, 2, 3, 4])
        .Set(Camera, "mean", [0.4f, 0.5f, 0.6f]).Set(Camera, "std", [0.2f, 0.2f, 0.2f])
        .Set(PolicyKeys.Action, "min", [-0.5f, 0]).Set(PolicyKeys.Action, "max", [0.5f, 2]);
}
