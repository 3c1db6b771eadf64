using RobotActors.Policies.Configs;
using RobotActors.Policies.Vqbet;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Vqbet;

public class VqbetLearningTests
{
    /// <summary>
    /// A small imitation task with four modes: the demonstrator holds an action chunk of ±0.6 per dimension chosen
    /// by the signs of the current state's first two entries. Camera frames are blank 8×8 images (a ResNet-18 on
    /// them stays cheap; the task is in the state).
    /// </summary>
    private static Dictionary<string, Tensor> Demonstrations(int batch)
    {
        var state = torch.randn(batch, 2, 4);
        var action = state[.., -1, ..2].sign() * 0.6;
        return new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = state,
            [SmallVqbet.Camera] = torch.zeros([batch, 2, 3, 8, 8]),
            [PolicyKeys.Action] = action.unsqueeze(1).expand(batch, SmallVqbet.Actions, 2).contiguous(),
        };
    }

    [Fact]
    public void A_small_vqbet_learns_a_multimodal_imitation_task()
    {
        // One thread: on a loaded 2-core machine libtorch's thread pool makes these small ops many times slower.
        var threads = torch.get_num_threads();
        torch.set_num_threads(1);
        try
        {
            torch.manual_seed(5);
            var config = SmallVqbet.Config(vqvaeSteps: 200, imageSide: 8);
            config.OptimizerLr = 2e-3;
            config.OffsetLossWeight = 10;
            using var policy = new VqbetPolicy(config);
            var optimizers = policy.MakeOptimizers(config.GetOptimizerPreset());
            var losses = new List<(double Loss, double Codes)>();
            for (var step = 0; step < 300; step++)
            {
                var info = policy.TrainStep(() => Demonstrations(16), optimizers, step);
                if (info.TryGetValue("classification_loss", out var codes)) losses.Add((info["loss"], codes));
            }
            Assert.Equal(100, losses.Count);
            var (first, last) = (losses.Take(10).Average(l => l.Loss), losses.TakeLast(10).Average(l => l.Loss));
            var (firstCodes, lastCodes) = (losses.Take(10).Average(l => l.Codes), losses.TakeLast(10).Average(l => l.Codes));
            // Predicted chunks of fresh observations approach the demonstrator's: closer than the best constant (0). (Seeded on
            // one thread: 100 GPT steps reach about half its error; longer runs go much further, see the notes.)
            torch.manual_seed(6);
            var test = Demonstrations(64);
            var chunk = policy.PredictActionChunk(test);
            var target = test[PolicyKeys.Action][.., ..3];
            var error = (chunk - target).pow(2).mean().item<float>();
            var baseline = target.pow(2).mean().item<float>();
            var figures = $"code loss {firstCodes:F3} → {lastCodes:F3}, GPT-phase loss {first:F3} → {last:F3}, " +
                          $"mean squared error {error:F4} against {baseline:F4} for always predicting 0";
            Assert.True(lastCodes < firstCodes * 0.5, figures);
            Assert.True(last < first * 0.6, figures);
            Assert.True(error < baseline * 0.7, figures);
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }
}
