using System.CommandLine;
using RobotActors.Policies.Sac;
using RobotActors.Rl.Algorithms.Sac;
using TorchSharp;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors bench sac`: SAC learner updates per second and select-action latency.</summary>
public static class BenchSacCommand
{
    public static Command Create()
    {
        var command = new Command("sac", "SAC updates/s (state; two 128×128 cameras; frozen encoder with cached features) and select-action latency.");
        var stateUpdates = new Option<int>("--state-updates") { Description = "Updates timed for the state-only case", DefaultValueFactory = _ => 100 };
        var imageUpdates = new Option<int>("--image-updates") { Description = "Updates timed for each image case", DefaultValueFactory = _ => 5 };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 256 };
        var samples = new Option<int>("--latency-samples") { DefaultValueFactory = _ => 300 };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads (1 by default: on a shared machine more threads oversubscribe the cores)", DefaultValueFactory = _ => 1 };
        foreach (var o in new Option[] { stateUpdates, imageUpdates, batch, samples, threads }) command.Add(o);
        command.SetAction(parseResult =>
        {
            torch.set_num_threads(parseResult.GetValue(threads));
            var b = parseResult.GetValue(batch);
            Console.WriteLine($"SAC benchmark: batch {b}, 2 critics, hidden [256, 256], action 4 continuous + 3-way gripper, torch threads {torch.get_num_threads()}");
            var cases = new (string Name, SacConfig Config, int Updates)[]
            {
                ("(a) state 18", SacBenchmark.Config(images: false, frozenEncoder: false), parseResult.GetValue(stateUpdates)),
                ("(b) 2 cameras 3x128x128 + state, default CNN trained", SacBenchmark.Config(images: true, frozenEncoder: false), parseResult.GetValue(imageUpdates)),
                ("(c) as (b), frozen CNN, features cached per batch", SacBenchmark.Config(images: true, frozenEncoder: true), parseResult.GetValue(imageUpdates)),
            };
            void Print(SacBenchmark.UpdateFigures f) =>
                Console.WriteLine($"{f.Name,-56} {f.UpdatesPerSecond,8:F2} updates/s ({f.Updates} updates in {f.Seconds:F1} s)");
            foreach (var (name, config, updates) in cases.Where(c => c.Updates > 0))
                Print(SacBenchmark.MeasureUpdates(name, config, b, updates));
            if (parseResult.GetValue(stateUpdates) > 0)
                Print(SacBenchmark.MeasureUpdates("(c') as (c), feature maps cached in the replay buffer", cases[2].Config, b,
                    parseResult.GetValue(stateUpdates) / 4, featuresInBuffer: true));
            foreach (var (name, config, _) in cases.Take(2))
            {
                var l = SacBenchmark.MeasureSelectAction(name, config, parseResult.GetValue(samples));
                Console.WriteLine($"select_action {name,-42} p50 {l.P50Ms,7:F3} ms  p99 {l.P99Ms,7:F3} ms ({l.Samples} samples, 1 observation)");
            }
            return 0;
        });
        return command;
    }
}
