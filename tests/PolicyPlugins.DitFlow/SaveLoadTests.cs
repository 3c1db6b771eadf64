using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Plugins.DitFlow.Tests;

public class SaveLoadTests : IDisposable
{
    private const string Camera = "observation.images.front";
    private readonly string _dir = Directory.CreateTempSubdirectory("dit-flow-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Save_then_load_gives_bit_identical_actions(bool rtc)
    {
        var config = DitFlowPlugin.Config(new Dictionary<string, PolicyFeature>
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [3]),
            [Camera] = new(FeatureType.Visual, [3, 64, 64]),
        }, 2, ("hidden_dim", "16"), ("num_layers", "2"), ("num_heads", "2"), ("chunk_size", "6"), ("n_action_steps", "3"),
            ("vision_backbone", "\"conv\""), ("image_encoder_hidden_dim", "8"), ("spatial_softmax_num_keypoints", "4"), ("num_inference_steps", "4"),
            ("n_obs_steps", "2"), ("rtc_config.enabled", rtc ? "true" : "false"), ("rtc_config.execution_horizon", "3"));
        torch.manual_seed(3);
        using var policy = DitFlowPlugin.Make(config);
        // A few steps so the zero-initialized output head carries weights.
        Training.Run(policy, r => new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = Training.Uniform(r, [4, 2, 3], -1, 1),
            [Camera] = Training.Uniform(r, [4, 2, 3, 64, 64], 0, 1),
            [PolicyKeys.Action] = Training.Uniform(r, [4, 6, 2], -1, 1),
        }, steps: 5, seed: 4);
        var stats = new DatasetStats()
            .Set(PolicyKeys.ObservationState, "mean", [0.1f, 0, -0.2f]).Set(PolicyKeys.ObservationState, "std", [1, 2, 0.5f])
            .Set(Camera, "mean", [0.4f, 0.5f, 0.6f]).Set(Camera, "std", [0.2f, 0.2f, 0.2f])
            .Set(PolicyKeys.Action, "mean", [0, 1]).Set(PolicyKeys.Action, "std", [0.5f, 2]);
        var (pre, post) = PolicyFactory.MakeProcessors(config, stats);
        policy.SavePretrained(_dir, pre, post);
        Assert.True(File.Exists(Path.Combine(_dir, PreTrainedPolicy.ModelFileName)));
        Assert.Contains("model.blocks.1.adaLN_modulation.1.weight", RobotActors.Policies.SafeTensors.SafeTensorsFile.Read(Path.Combine(_dir, PreTrainedPolicy.ModelFileName)).Tensors.Keys);

        var (loaded, loadedPre, loadedPost) = PolicyFactory.LoadPretrained(_dir);
        Assert.Equal(DitFlowPlugin.AssemblyName, loaded.GetType().Assembly.GetName().Name);
        Assert.Equal(rtc, System.Text.Json.Nodes.JsonNode.Parse(loaded.Config.ToJson())!["rtc_config"]!["enabled"]!.GetValue<bool>());
        policy.Reset();
        var random = new Random(7);
        // Eight steps: three chunks, the later ones guided by the leftover when RTC is on.
        for (var step = 0; step < 8; step++)
        {
            var raw = new Dictionary<string, Tensor>
            {
                [PolicyKeys.ObservationState] = Training.Uniform(random, [3], -1, 1),
                [Camera] = Training.Uniform(random, [3, 64, 64], 0, 1),
            };
            torch.manual_seed(100 + step);
            var a = post.ProcessAction(policy.SelectAction(pre.ProcessBatch(raw)));
            torch.manual_seed(100 + step);
            var b = loadedPost!.ProcessAction(loaded.SelectAction(loadedPre!.ProcessBatch(raw)));
            Assert.Equal(new long[] { 1, 2 }, b.shape);
            Assert.Equal(a.bytes.ToArray(), b.bytes.ToArray());
        }
        loaded.Dispose();
    }
}
