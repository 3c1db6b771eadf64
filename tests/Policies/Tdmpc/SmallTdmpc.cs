using RobotActors.Policies.Configs;
using RobotActors.Policies.Tdmpc;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Tdmpc;

/// <summary>A CPU-sized TD-MPC (a 4-D state, a 2-D environment state, 2-D actions) and window batches for it.</summary>
internal static class SmallTdmpc
{
    public static TdmpcConfig Config(int horizon = 3, bool mpc = true, int repeats = 1, int steps = 1) => new()
    {
        InputFeatures =
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [4]),
            [PolicyKeys.ObservationEnvironmentState] = new(FeatureType.Env, [2]),
        },
        OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [2]) },
        Horizon = horizon,
        NActionRepeats = repeats,
        NActionSteps = steps,
        UseMpc = mpc,
        LatentDim = 16,
        MlpDim = 32,
        StateEncoderHiddenDim = 32,
        QEnsembleSize = 3,
        CemIterations = 3,
        NGaussianSamples = 64,
        NPiSamples = 8,
        NElites = 8,
    };

    public static Dictionary<string, Tensor> Observation(int batch = 2) => new()
    {
        [PolicyKeys.ObservationState] = torch.randn(batch, 4),
        [PolicyKeys.ObservationEnvironmentState] = torch.randn(batch, 2),
    };

    /// <summary>Random windows: observations (B, h+1, D), actions in [-1, 1] (B, h, A), rewards (B, h), no padding.</summary>
    public static Dictionary<string, Tensor> Windows(int batch, int horizon)
    {
        var b = new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = torch.randn(batch, horizon + 1, 4),
            [PolicyKeys.ObservationEnvironmentState] = torch.randn(batch, horizon + 1, 2),
            [PolicyKeys.Action] = torch.rand(batch, horizon, 2) * 2 - 1,
            [PolicyKeys.Reward] = torch.rand(batch, horizon),
        };
        foreach (var key in b.Keys.ToList())
            b[key + PolicyKeys.PadSuffix] = torch.zeros(batch, b[key].shape[1], dtype: ScalarType.Bool);
        return b;
    }
}
