using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Rtc;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RobotActors.Plugins.DitFlow.Tests;

/// <summary>
/// Chunk boundaries with and without Real-Time Chunking, on a task where chunks naturally disagree: the
/// demonstrations follow one ramp in time (observation.state is the phase) but each is offset by its own amount,
/// which nothing in the observation tells, so every chunk the trained policy samples picks an offset afresh ("noisy
/// targets"). Chunks are run as a background-inference runner runs them: the next chunk is asked for when the queue
/// holds chunk_size - n_action_steps actions, one more action executes while it is computed (inference delay 1), and
/// the new chunk replaces the queue from its second step.
/// </summary>
public class RtcBoundaryTests(ITestOutputHelper log)
{
    internal const int Chunk = 8;
    internal const int ActionSteps = 4;
    private const int Delay = 1;
    internal const float PhaseStep = 1f / 16;
    internal const float Slope = 4;          // action units per unit of phase: 0.25 per step
    private const float OffsetRange = 0.5f; // demonstrations are offset by U(-0.5, 0.5)

    internal static Dictionary<string, Tensor> OffsetRampBatch(Random random, int batch)
    {
        var phase = Training.Uniform(random, [batch, 1], 0, 1.4);
        var offset = Training.Uniform(random, [batch, 1, 1], -OffsetRange, OffsetRange);
        var steps = torch.arange(1, Chunk + 1, dtype: float32).reshape(1, Chunk, 1);
        return new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = phase,
            [PolicyKeys.Action] = Slope * (phase.unsqueeze(1) + steps * PhaseStep) - 2 + offset,
        };
    }

    private sealed record Rollout(List<double> Jumps, List<double> OwnSteps);

    private static Rollout Run(IRealTimeChunkingPolicy policy, bool rtc, int episodes)
    {
        var jumps = new List<double>();
        var ownSteps = new List<double>();
        var random = new Random(11);
        for (var episode = 0; episode < episodes; episode++)
        {
            using var scope = torch.NewDisposeScope();
            var phase = (float)(0.1 * random.NextDouble());
            Dictionary<string, Tensor> Observe() => new() { [PolicyKeys.ObservationState] = torch.tensor(new[] { phase }).reshape(1, 1) };
            using var queue = new RtcActionQueue(rtcEnabled: true);
            torch.manual_seed(1000 * episode);
            queue.Merge(policy.PredictActionChunk(Observe(), 0, null), null, 0);
            var previousInChunk = (float?)null;
            void Execute()
            {
                var a = queue.Pop()!.item<float>();
                if (previousInChunk is { } p) ownSteps.Add(Math.Abs(a - p));
                previousInChunk = a;
                phase += PhaseStep;
            }
            for (var boundary = 0; boundary < 4; boundary++)
            {
                while (queue.Count > Chunk - ActionSteps) Execute();
                var leftover = queue.LeftOver()!;
                var indexBefore = queue.ActionIndex;
                torch.manual_seed(1000 * episode + boundary + 1);
                var next = policy.PredictActionChunk(Observe(), Delay, rtc ? leftover : null);
                for (var i = 0; i < Delay; i++) Execute();
                queue.Merge(next, null, Delay, indexBefore);
                // What the robot does next against what it would have done on the old chunk.
                var expected = leftover[0, Delay, 0].item<float>();
                var first = next[0, Delay, 0].item<float>();
                jumps.Add(Math.Abs(first - expected));
                previousInChunk = null; // the step across the boundary is the jump, not the policy's own motion
                Execute();
            }
        }
        return new Rollout(jumps, ownSteps);
    }

    /// <summary>A small dit_flow trained on the offset ramps, RTC on with execution_horizon = chunk_size - n_action_steps.</summary>
    internal static (PreTrainedPolicy Policy, double FirstLoss, double LastLoss) TrainOffsetRampPolicy()
    {
        var config = OffsetRampConfig();
        torch.manual_seed(0);
        var trained = DitFlowPlugin.Make(config);
        var (first, last) = Training.Run(trained, r => OffsetRampBatch(r, 64), steps: 500, seed: 2);
        return (trained, first, last);
    }

    internal static PreTrainedConfig OffsetRampConfig() =>
        DitFlowPlugin.Config(new Dictionary<string, PolicyFeature> { [PolicyKeys.ObservationState] = new(FeatureType.State, [1]) }, 1,
            ("hidden_dim", "32"), ("num_layers", "2"), ("num_heads", "2"), ("chunk_size", $"{Chunk}"), ("n_action_steps", $"{ActionSteps}"),
            ("dropout", "0"), ("optimizer_lr", "3e-3"), ("num_inference_steps", "10"),
            ("rtc_config.enabled", "true"), ("rtc_config.execution_horizon", $"{Chunk - ActionSteps}"));

    [Fact]
    public void With_rtc_successive_chunks_join_within_the_policys_own_step_to_step_motion_and_without_it_they_jump()
    {
        var (trained, first, last) = TrainOffsetRampPolicy();
        using var _ = trained;
        var policy = (IRealTimeChunkingPolicy)trained;

        var without = Run(policy, rtc: false, episodes: 8);
        // LeRobot's default fade (LINEAR) and the hardest pull (ONES: weight 1 over the whole execution horizon).
        var with = new Dictionary<string, Rollout>();
        foreach (var schedule in new[] { "LINEAR", "ONES" })
        {
            policy.RtcConfig.PrefixAttentionSchedule = schedule;
            with[schedule] = Run(policy, rtc: true, episodes: 8);
        }
        var ownStep = with.Values.Append(without).SelectMany(r => r.OwnSteps).Average();
        log.WriteLine($"loss {DitFlowPlugin.F(first)} -> {DitFlowPlugin.F(last)}; own step-to-step motion {DitFlowPlugin.F(ownStep)} (demonstrations: {Slope * PhaseStep})");
        log.WriteLine($"without RTC:  max jump {DitFlowPlugin.F(without.Jumps.Max())}, mean {DitFlowPlugin.F(without.Jumps.Average())} over {without.Jumps.Count} boundaries");
        foreach (var (schedule, r) in with)
            log.WriteLine($"RTC {schedule,-7}: max jump {DitFlowPlugin.F(r.Jumps.Max())}, mean {DitFlowPlugin.F(r.Jumps.Average())}");

        Assert.InRange(ownStep, Slope * PhaseStep * 0.8, Slope * PhaseStep * 1.2); // the policy moves as the demonstrations do
        Assert.True(without.Jumps.Max() > 1.5 * ownStep, $"without RTC the largest jump, {without.Jumps.Max()}, is not clearly larger than the policy's own motion {ownStep}");
        foreach (var (schedule, r) in with)
        {
            Assert.True(r.Jumps.Max() < ownStep, $"with RTC ({schedule}) the largest jump, {r.Jumps.Max()}, exceeds the policy's own motion {ownStep}");
            Assert.True(r.Jumps.Average() < without.Jumps.Average() / 2, $"with RTC ({schedule}) the mean jump {r.Jumps.Average()} is not half of {without.Jumps.Average()} without");
        }
    }
}
