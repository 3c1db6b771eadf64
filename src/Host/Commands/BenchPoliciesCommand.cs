using System.CommandLine;
using RobotActors.Policies.Benchmarks;
using TorchSharp;

namespace RobotActors.Host.Commands;

/// <summary>
/// `robotactors bench policies`: for each chunking policy at its default size and at a small CPU size, training
/// steps/s at two batch sizes and select_action latency with and without a full action queue (one 96×96 camera,
/// a 6-D state). Every measurement has a time budget; figures from fewer samples say how many.
/// </summary>
public static class BenchPoliciesCommand
{
    public static Command Create()
    {
        var command = new Command("policies", "Training steps/s (batch 8 and 64) and select_action latency p50/p99 of the built-in chunking policies (act, diffusion, vqbet, tdmpc), default and small sizes.");
        var policies = new Option<string[]>("--policy") { Description = $"Policies to measure ({string.Join(", ", PolicyBenchmark.Policies)})", DefaultValueFactory = _ => PolicyBenchmark.Policies.ToArray(), AllowMultipleArgumentsPerToken = true };
        var sizes = new Option<string[]>("--size") { Description = "default, small or both", DefaultValueFactory = _ => ["small", "default"], AllowMultipleArgumentsPerToken = true };
        var batches = new Option<int[]>("--batch-size") { Description = "Training batch sizes", DefaultValueFactory = _ => [8, 64], AllowMultipleArgumentsPerToken = true };
        var steps = new Option<int>("--train-steps") { Description = "Timed training steps per case (after one warm-up step)", DefaultValueFactory = _ => 10 };
        var samples = new Option<int>("--latency-samples") { Description = "Timed select_action calls per case", DefaultValueFactory = _ => 50 };
        var budget = new Option<double>("--budget") { Description = "Seconds each measurement may take before it stops and reports what it has", DefaultValueFactory = _ => 60 };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads (0 = libtorch's default)", DefaultValueFactory = _ => 0 };
        foreach (var o in new Option[] { policies, sizes, batches, steps, samples, budget, threads }) command.Add(o);
        command.SetAction(parseResult =>
        {
            var names = parseResult.GetValue(policies)!;
            var unknown = names.Except(PolicyBenchmark.Policies).Concat(parseResult.GetValue(sizes)!.Except(["default", "small"])).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"error: unknown --policy/--size value(s) {string.Join(", ", unknown)}; policies: {string.Join(", ", PolicyBenchmark.Policies)}; sizes: default, small");
                return 2;
            }
            if (parseResult.GetValue(threads) is > 0 and var n) torch.set_num_threads(n);
            var limit = TimeSpan.FromSeconds(parseResult.GetValue(budget));
            Console.WriteLine($"Policy benchmark: 1 camera 3x{PolicyBenchmark.ImageSide}x{PolicyBenchmark.ImageSide}, state {PolicyBenchmark.StateDim}, action {PolicyBenchmark.ActionDim}, " +
                              $"random weights, torch threads {torch.get_num_threads()}, {limit.TotalSeconds:F0} s budget per measurement");
            foreach (var name in names)
                foreach (var size in parseResult.GetValue(sizes)!)
                {
                    var config = PolicyBenchmark.Config(name, size);
                    Console.WriteLine($"{name} ({size}): {PolicyBenchmark.ParameterCount(config) / 1e6:F1}M parameters");
                    foreach (var b in parseResult.GetValue(batches)!)
                    {
                        var t = PolicyBenchmark.MeasureTraining(config, b, parseResult.GetValue(steps), limit);
                        var note = t.Steps == 1 && t.Seconds > limit.TotalSeconds ? " (the warm-up step alone exceeded the budget; not repeated)" : "";
                        Console.WriteLine($"  train batch {b,3}: {t.StepsPerSecond,9:F3} steps/s ({t.Steps} steps in {t.Seconds:F1} s){note}");
                    }
                    foreach (var full in new[] { false, true })
                    {
                        var l = PolicyBenchmark.MeasureSelectAction(config, full, parseResult.GetValue(samples), limit);
                        var what = full ? "queue full (pop) " : "queue empty (run)";
                        Console.WriteLine($"  select_action {what}: p50 {l.P50Ms,10:F2} ms  p99 {l.P99Ms,10:F2} ms ({l.Samples} samples)");
                    }
                }
            return 0;
        });
        return command;
    }
}
