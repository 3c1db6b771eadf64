using System.CommandLine;
using RobotActors.Rl.Buffers;
using TorchSharp;

namespace RobotActors.Host.Commands;

/// <summary>`robotactors bench replay`: replay buffer memory per transition with two 128×128 cameras, add and sample throughput.</summary>
public static class BenchReplayCommand
{
    public static Command Create()
    {
        var command = new Command("replay", "Replay buffer memory per transition (two 3x128x128 cameras, obs + next obs) and add/sample throughput.");
        var transitions = new Option<int>("--transitions") { Description = "Transitions added (the buffer's capacity)", DefaultValueFactory = _ => 5_000 };
        var episode = new Option<int>("--episode-length") { Description = "Steps per episode (each end stores its next frames apart)", DefaultValueFactory = _ => 100 };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 256 };
        var batches = new Option<int>("--batches") { Description = "Batches timed per sampling case", DefaultValueFactory = _ => 20 };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads", DefaultValueFactory = _ => 1 };
        foreach (var o in new Option[] { transitions, episode, batch, batches, threads }) command.Add(o);
        command.SetAction(parseResult =>
        {
            torch.set_num_threads(parseResult.GetValue(threads));
            var f = ReplayBenchmark.Measure(parseResult.GetValue(transitions), parseResult.GetValue(episode), parseResult.GetValue(batch), parseResult.GetValue(batches));
            Console.WriteLine($"Replay buffer: {f.Transitions} transitions, episodes of {f.EpisodeLength} steps, 2 cameras 3x128x128 uint8, state 18, action 5");
            Console.WriteLine($"memory per transition (buffer's count)    {f.BytesPerTransition / 1000,8:F1} KB  ({f.ExplicitNextFrames} next observations stored apart)");
            Console.WriteLine($"memory per transition (resident growth)   {f.ResidentBytesPerTransition / 1000,8:F1} KB  (whole fill, fixed costs included)");
            Console.WriteLine($"memory per transition (marginal resident) {f.MarginalResidentBytesPerTransition / 1000,8:F1} KB  (second half of the fill; goal <= 100 KB; LeRobot's float32 obs + next obs: {ReplayBenchmark.LeRobotBytesPerTransition / 1000.0:F1} KB)");
            Console.WriteLine($"add                                       {f.AddsPerSecond,8:F0} transitions/s");
            Console.WriteLine($"sample batch {f.BatchSize}, DrQ on                 {f.BatchesPerSecondWithDrq,8:F1} batches/s ({f.BatchesPerSecondWithDrq * f.BatchSize:F0} transitions/s)");
            Console.WriteLine($"sample batch {f.BatchSize}, DrQ off                {f.BatchesPerSecondWithoutDrq,8:F1} batches/s ({f.BatchesPerSecondWithoutDrq * f.BatchSize:F0} transitions/s)");
            return 0;
        });
        return command;
    }
}
