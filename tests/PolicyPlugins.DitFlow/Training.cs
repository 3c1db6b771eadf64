using RobotActors.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Plugins.DitFlow.Tests;

/// <summary>Trains a policy on batches drawn by a seeded generator, with the policy's own optimizer preset.</summary>
internal static class Training
{
    /// <returns>The mean loss of the first and of the last 50 steps.</returns>
    public static (double First, double Last) Run(PreTrainedPolicy policy, Func<Random, Dictionary<string, Tensor>> batch, int steps, int seed)
    {
        torch.set_num_threads(1);
        torch.manual_seed(seed);
        var random = new Random(seed);
        var optimizers = policy.MakeOptimizers(policy.Config.GetOptimizerPreset());
        var losses = new List<double>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var step = 0; step < steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            losses.Add(policy.TrainStep(() => batch(random), optimizers, step)["loss"]);
        }
        policy.eval();
        Console.WriteLine($"{steps} steps in {watch.Elapsed.TotalSeconds:F1} s");
        return (losses.Take(50).Average(), losses.TakeLast(50).Average());
    }

    public static Tensor Uniform(Random random, long[] shape, double low, double high)
    {
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        for (var i = 0; i < n; i++) values[i] = (float)(low + (high - low) * random.NextDouble());
        return torch.tensor(values).reshape(shape);
    }
}
