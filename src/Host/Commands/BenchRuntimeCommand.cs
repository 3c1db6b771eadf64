using System.CommandLine;
using System.Globalization;
using Akka.Configuration;
using RobotActors.Actors.Benchmarks;
using RobotActors.Actors.Configuration;
using RobotActors.Host.Configuration;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors bench runtime`: the session journal, the transition feed and weights pushes on two loopback nodes.</summary>
public static class BenchRuntimeCommand
{
    public static Command Create()
    {
        var fps = new Option<int>("--fps") { Description = "Control rate of the simulated loop.", DefaultValueFactory = _ => 30 };
        var seconds = new Option<int>("--seconds") { Description = "How long steps are sent at that rate.", DefaultValueFactory = _ => 10 };
        var cameras = new Option<int>("--cameras") { Description = "Cameras per step.", DefaultValueFactory = _ => 2 };
        var size = new Option<int>("--image-size") { Description = "Camera frames are size x size x 3 uint8.", DefaultValueFactory = _ => 128 };
        var flood = new Option<int>("--flood-steps") { Description = "Steps sent at once to measure journal throughput.", DefaultValueFactory = _ => 1000 };
        var weights = new Option<int>("--weights-mb") { Description = "Size of each weights push.", DefaultValueFactory = _ => 8 };
        var pushes = new Option<int>("--pushes") { Description = "Weights pushes.", DefaultValueFactory = _ => 10 };
        var command = new Command("runtime",
            "On a robot node and a learner node in this process (loopback, SQLite journals): step tick-to-durable and tick-to-learner " +
            "latency at a fixed rate, journal bytes per step, durable steps/s in a flood, and weights publish-to-receive latency.")
        {
            fps, seconds, cameras, size, flood, weights, pushes,
        };
        command.SetAction(async parse =>
        {
            var root = Path.Combine(Path.GetTempPath(), "robotactors-bench-runtime-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                var settings = RobotActorsSettings.FromConfig(ConfigurationFactory.ParseString($"robotactors.data-dir = \"{root}\"").WithFallback(ConfigLoader.Defaults.Value));
                var o = new RuntimeBenchmarkOptions(parse.GetValue(fps), parse.GetValue(seconds), parse.GetValue(cameras), parse.GetValue(size),
                    parse.GetValue(flood), parse.GetValue(weights), parse.GetValue(pushes));
                var r = await RuntimeBenchmark.RunAsync(settings, root, o, Console.Error.WriteLine);
                var inv = CultureInfo.InvariantCulture;
                Console.WriteLine(string.Create(inv, $"steps: {r.Steps} at {o.Fps} Hz, {o.Cameras} cameras {o.ImageSize}x{o.ImageSize}, {r.StepBytes / 1024.0:F1} KB of data per step"));
                Console.WriteLine(string.Create(inv, $"journal bytes per step:       {r.JournalBytesPerStep / 1024.0,8:F1} KB"));
                Console.WriteLine(string.Create(inv, $"tick -> durable (ms):         p50 {r.TickToDurable.P50,7:F1}  p99 {r.TickToDurable.P99,7:F1}  max {r.TickToDurable.Max,7:F1}  late (> {settings.Session.DurabilityDeadline.TotalMilliseconds:F0} ms) {r.LateSteps}"));
                Console.WriteLine(string.Create(inv, $"tick -> learner inbox (ms):   p50 {r.StepToInbox.P50,7:F1}  p99 {r.StepToInbox.P99,7:F1}  max {r.StepToInbox.Max,7:F1}"));
                Console.WriteLine(string.Create(inv, $"journal flood:                {r.FloodStepsPerSecond,8:F0} durable steps/s"));
                Console.WriteLine(string.Create(inv, $"weights {r.WeightsBytes >> 20} MB publish -> receive (ms): p50 {r.PublishToReceive.P50,7:F1}  p99 {r.PublishToReceive.P99,7:F1}  ({r.WeightsVersionsReceived} of {o.WeightsPushes} received)"));
            }
            finally
            {
                if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
            }
        });
        return command;
    }
}
