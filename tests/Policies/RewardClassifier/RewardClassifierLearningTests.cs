using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Policies.RewardClassifier;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.RewardClassifier;

public class RewardClassifierLearningTests(ITestOutputHelper output)
{
    private const string Front = "observation.images.front";
    private const string Side = "observation.images.side";

    private static RewardClassifierConfig Config(int classes = 2) => new()
    {
        InputFeatures = { [Front] = new(FeatureType.Visual, [3, 64, 64]), [Side] = new(FeatureType.Visual, [3, 64, 64]) },
        NumClasses = classes,
        HiddenDim = 64,
        LatentDim = 64,
        ImageEncoderHiddenDim = 16,
        LearningRate = 1e-3,
    };

    private static DatasetStats Stats() => new DatasetStats()
        .Set(Front, "mean", [0.4f, 0.4f, 0.4f]).Set(Front, "std", [0.2f, 0.2f, 0.2f])
        .Set(Side, "mean", [0.4f, 0.4f, 0.4f]).Set(Side, "std", [0.2f, 0.2f, 0.2f]);

    [Fact]
    public void The_reward_classifier_reaches_95_percent_on_held_out_success_and_failure_scenes()
    {
        torch.set_num_threads(1);
        torch.manual_seed(21);
        var config = Config();
        var policy = (RewardClassifierPolicy)PolicyFactory.MakePolicy(config, Stats());
        var (pre, _) = PolicyFactory.MakeProcessors(config, Stats());
        var optimizers = config.GetOptimizerPreset().Build(policy.GetOptimParams());
        Assert.Equal(0.01, ((RobotActors.Policies.Optim.AdamWConfig)config.GetOptimizerPreset()).WeightDecay);

        var (front, side, labels) = new SyntheticScenes(seed: 1).Render(512);
        var (testFront, testSide, testLabels) = new SyntheticScenes(seed: 2).Render(200);
        var rng = new Random(4);
        double lastAccuracy = 0;
        for (var step = 0; step < 200; step++)
        {
            var idx = torch.tensor(Enumerable.Range(0, 32).Select(_ => (long)rng.Next(512)).ToArray());
            var batch = pre.ProcessBatch(new Dictionary<string, Tensor>
            {
                [Front] = front.index_select(0, idx), [Side] = side.index_select(0, idx), [PolicyKeys.Reward] = labels.index_select(0, idx),
            });
            lastAccuracy = policy.TrainStep(() => batch, optimizers, step)["accuracy"];
        }

        policy.eval();
        var held = pre.ProcessBatch(new Dictionary<string, Tensor> { [Front] = testFront, [Side] = testSide });
        var predicted = policy.PredictReward(held, threshold: 0.5);
        var accuracy = (predicted == testLabels).to(float32).mean().item<float>();
        output.WriteLine($"train accuracy (last batch) {lastAccuracy:F0}%, held-out accuracy {accuracy:P1}");
        Assert.True(accuracy >= 0.95, $"held-out accuracy {accuracy:P1}; expected at least 95%");

        // A threshold above every probability predicts failure everywhere.
        Assert.Equal(0f, policy.PredictReward(held, threshold: 1.0).sum().item<float>());
    }

    [Fact]
    public void The_multi_class_head_uses_cross_entropy_and_predicts_class_indices()
    {
        torch.manual_seed(5);
        var config = Config(classes: 3);
        var policy = new RewardClassifierPolicy(config);
        var optimizers = config.GetOptimizerPreset().Build(policy.GetOptimParams());
        var images = torch.rand(6, 3, 64, 64);
        var batch = new Dictionary<string, Tensor> { [Front] = images, [Side] = images, [PolicyKeys.Reward] = torch.tensor(new float[] { 0, 1, 2, 0, 1, 2 }) };
        var first = policy.Forward(batch).Loss.item<float>();
        Assert.Equal(Math.Log(3), first, 0);
        for (var i = 0; i < 60; i++) policy.TrainStep(() => batch, optimizers, i);
        policy.eval();
        var prediction = policy.PredictReward(batch);
        Assert.Equal(new long[] { 6 }, prediction.shape);
        Assert.All(prediction.data<float>().ToArray(), v => Assert.Contains(v, new[] { 0f, 1f, 2f }));
        Assert.True(policy.Forward(batch).Loss.item<float>() < first, "cross-entropy did not decrease on a fixed batch");
    }

    [Fact]
    public void A_config_without_cameras_is_refused()
    {
        var config = new RewardClassifierConfig { InputFeatures = { [PolicyKeys.ObservationState] = new(FeatureType.State, [3]) } };
        Assert.Contains("at least one observation.image", Assert.Throws<PolicyConfigException>(() => new RewardClassifierPolicy(config)).Message);
        var oneCamera = new RewardClassifierConfig { InputFeatures = { [Front] = new(FeatureType.Visual, [3, 64, 64]) } };
        Assert.Contains("set --policy.num_cameras=1", Assert.Throws<PolicyConfigException>(() => new RewardClassifierPolicy(oneCamera)).Message);
    }
}
