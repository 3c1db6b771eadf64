using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Policies.SafeTensors;
using RobotActors.Policies.GaussianActor;
using RobotActors.Policies.Sac;
using RobotActors.Rl.Algorithms.Sac;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Sac;

public class SacSaveLoadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sac-pretrained-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SacConfig SmallConfig(bool images) => new()
    {
        InputFeatures = images
            ? new() { [PolicyKeys.ObservationState] = new(FeatureType.State, [5]), ["observation.images.top"] = new(FeatureType.Visual, [3, 64, 64]) }
            : new() { [PolicyKeys.ObservationState] = new(FeatureType.State, [5]) },
        OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [2]) },
        NumDiscreteActions = 3,
        LatentDim = 16,
        ImageEncoderHiddenDim = 8,
        CriticNetworkKwargs = new() { HiddenDims = [16, 16] },
        ActorNetworkKwargs = new() { HiddenDims = [16, 16] },
        DiscreteCriticNetworkKwargs = new() { HiddenDims = [16] },
    };

    private static DatasetStats Stats() => new DatasetStats()
        .Set(PolicyKeys.ObservationState, "min", [0, 0, 0, 0, 0]).Set(PolicyKeys.ObservationState, "max", [1, 2, 3, 4, 5])
        .Set("observation.images.top", "mean", [0.4f, 0.5f, 0.6f]).Set("observation.images.top", "std", [0.2f, 0.2f, 0.2f])
        .Set(PolicyKeys.Action, "min", [-0.5f, -0.5f, 0]).Set(PolicyKeys.Action, "max", [0.5f, 0.5f, 2]);

    [Fact]
    public void Save_then_load_gives_bit_identical_actions_and_files_list_the_expected_keys_shapes_and_dtypes()
    {
        torch.manual_seed(1);
        var config = SmallConfig(images: true);
        var policy = new SacPolicy(config);
        var (pre, post) = SacProcessors.Make(config, Stats());
        policy.SavePretrained(_dir, pre, post);

        foreach (var file in new[] { "config.json", "model.safetensors", "policy_preprocessor.json", "policy_postprocessor.json",
                     "policy_preprocessor_step_3_normalizer_processor.safetensors", "policy_postprocessor_step_0_unnormalizer_processor.safetensors" })
            Assert.True(File.Exists(Path.Combine(_dir, file)), $"{file} missing");

        var model = SafeTensorsFile.Read(Path.Combine(_dir, "model.safetensors"));
        Assert.Equal("pt", model.Metadata["format"]);
        Assert.Equal(new long[] { 1 }, model.Tensors["log_alpha"].Shape);
        Assert.Equal(new long[] { 2, 16 }, model.Tensors["actor.mean_layer.weight"].Shape);
        Assert.Equal(new long[] { 3, 16 }, model.Tensors["discrete_critic.output_layer.weight"].Shape);
        Assert.Equal(new long[] { 8, 3, 7, 7 }, model.Tensors["actor.encoder.image_encoder.image_enc_layers.0.weight"].Shape);
        Assert.Contains(model.Tensors.Keys, k => k.StartsWith("critic_target.critics.1.", StringComparison.Ordinal));
        Assert.All(model.Tensors.Values, t => Assert.Equal("F32", t.DType));

        var (loaded, loadedPre, loadedPost) = PolicyFactory.LoadPretrained(_dir);
        var sac = Assert.IsType<SacPolicy>(loaded);
        policy.eval();
        policy.DeterministicActions = sac.DeterministicActions = true;
        var raw = new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = torch.tensor(new float[] { 0.1f, 0.5f, 2, 3, 4.5f }),
            ["observation.images.top"] = torch.rand(3, 64, 64),
        };
        var a = post.ProcessAction(policy.SelectAction(pre.ProcessBatch(raw)));
        var b = loadedPost!.ProcessAction(sac.SelectAction(loadedPre!.ProcessBatch(raw)));
        Assert.Equal(a.bytes.ToArray(), b.bytes.ToArray());
        Assert.Equal(new long[] { 1, 3 }, b.shape);
        var gripper = b[0, 2].item<float>();
        Assert.Contains(gripper, new[] { 0f, 1f, 2f });

        foreach (var (key, tensor) in policy.StateDict())
            Assert.Equal(tensor.bytes.ToArray(), sac.StateDict()[key].bytes.ToArray());
    }

    [Fact]
    public void Actor_weights_export_with_a_version_and_import_into_a_replica_that_then_acts_identically()
    {
        torch.manual_seed(2);
        var learner = new SacPolicy(SmallConfig(images: false));
        torch.manual_seed(3);
        var replica = new SacPolicy(SmallConfig(images: false));
        learner.DeterministicActions = replica.DeterministicActions = true;
        var obs = new Dictionary<string, Tensor> { [PolicyKeys.ObservationState] = torch.randn(4, 5) };
        Assert.NotEqual(learner.SelectAction(obs).bytes.ToArray(), replica.SelectAction(obs).bytes.ToArray());

        var bytes = ActorWeights.Export(learner.GaussianActor, version: 42);
        var exported = SafeTensorsFile.Parse(bytes);
        Assert.DoesNotContain(exported.Tensors.Keys, k => k.StartsWith("critic_", StringComparison.Ordinal) || k == "log_alpha");
        Assert.Contains(exported.Tensors.Keys, k => k.StartsWith("discrete_critic.", StringComparison.Ordinal));

        Assert.Equal(42, ActorWeights.Import(replica.GaussianActor, bytes));
        Assert.Equal(learner.SelectAction(obs).bytes.ToArray(), replica.SelectAction(obs).bytes.ToArray());
    }

    [Fact]
    public void Loading_weights_from_a_differently_shaped_policy_names_the_tensor()
    {
        new SacPolicy(SmallConfig(images: false)).SavePretrained(_dir);
        var other = SmallConfig(images: false);
        other.LatentDim = 8;
        var e = Assert.Throws<InvalidDataException>(() => new SacPolicy(other).LoadWeights(_dir));
        Assert.Contains("shape", e.Message);
    }
}
