using RobotActors.Policies.Processors;
using static TorchSharp.torch;

namespace RobotActors.Policies.Training;

/// <summary>
/// The batch a policy trains on: frames read with the policy's delta indices ("*_is_pad" masks included),
/// or RL transitions for policies that need the next observation, then run through the preprocessor
/// (next observations normalized like the current ones).
/// </summary>
public static class TrainingBatches
{
    public static Dictionary<string, Tensor> Make(PreTrainedPolicy policy, ProcessorPipeline pre, IPolicyDataset dataset,
        IReadOnlyDictionary<string, int[]> deltaIndices, IReadOnlyList<int> indices)
    {
        var raw = policy.NeedsNextObservation ? TransitionBatches.Get(dataset, indices) : dataset.GetBatch(indices, deltaIndices);
        return TransitionBatches.Normalize(pre, raw);
    }
}
