using RobotActors.Policies.Act;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Act;

/// <summary>A CPU-sized ACT (one 3×64×64 camera, a 4-D state, 3-D actions) and random batches for it.</summary>
internal static class SmallAct
{
    public const string Camera = "observation.images.front";

    public static ActConfig Config(int chunk = 10, int nActionSteps = 5, bool vae = true, double dropout = 0.0) => new()
    {
        InputFeatures =
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [4]),
            [Camera] = new(FeatureType.Visual, [3, 64, 64]),
        },
        OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [3]) },
        ChunkSize = chunk,
        NActionSteps = nActionSteps,
        DimModel = 32,
        NHeads = 4,
        DimFeedforward = 64,
        NEncoderLayers = 1,
        NDecoderLayers = 1,
        NVaeEncoderLayers = 1,
        LatentDim = 8,
        UseVae = vae,
        Dropout = dropout,
        PretrainedBackboneWeights = null,
    };

    public static Dictionary<string, Tensor> Observation(int batch = 2) => new()
    {
        [PolicyKeys.ObservationState] = torch.randn(batch, 4),
        [Camera] = torch.randn(batch, 3, 64, 64),
    };

    public static Dictionary<string, Tensor> TrainingBatch(int batch, int chunk)
    {
        var b = Observation(batch);
        b[PolicyKeys.Action] = torch.randn(batch, chunk, 3);
        b["action_is_pad"] = torch.zeros(batch, chunk, dtype: ScalarType.Bool);
        return b;
    }

    public static DatasetStats Stats() => new DatasetStats()
        .Set(PolicyKeys.ObservationState, "mean", [0, 0, 0, 0]).Set(PolicyKeys.ObservationState, "std", [1, 2, 3, 4])
        .Set(Camera, "mean", [0.4f, 0.5f, 0.6f]).Set(Camera, "std", [0.2f, 0.2f, 0.2f])
        .Set(PolicyKeys.Action, "mean", [0.1f, -0.2f, 0.3f]).Set(PolicyKeys.Action, "std", [0.5f, 1, 2]);
}
