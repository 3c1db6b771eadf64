using RobotActors.Datasets.Reading;
using RobotActors.Datasets.Writing;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Training;
using RobotActors.Rl.Data;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Processors;
using RobotActors.Rl.Recording;
using TorchSharp;
using Xunit.Abstractions;

namespace RobotActors.Rl.Tests.Sim;

/// <summary>
/// Issue 9: a reward classifier trained on at most 20 recorded sim episodes (here 14, and 4 held out) recognises
/// success on frames of the held-out episodes, and inside the env it ends episodes on success. Seeded; 64×64
/// cameras keep it inside CI's time. With 8 training episodes it fails on a held-out cube position (74%): the
/// classifier's spatial embeddings need the positions covered, which is why HIL-SERL records ~20 episodes.
/// </summary>
public sealed class RewardClassifierSimTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ra-classifier-sim-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task A_classifier_trained_on_recorded_sim_episodes_recognises_success_on_held_out_ones_and_ends_episodes_in_the_env()
    {
        const int train = 14, held = 4;
        var root = Path.Combine(_dir, "dataset");
        // Recording without terminate_on_success: after the lift every frame is a positive example.
        using (var env = RobotEnvironment.Open(SimConfigs.PickLift(terminateOnSuccess: false), new RobotEnvironmentOptions { Seed = 7 }))
        {
            var features = TransitionRecorder.Features(env.ObservationFeatures(), env.StateNames(), env.ActionNames, rlColumns: true, video: false);
            var dataset = DatasetRecorder.Create(root, 10, features, "so101_follower");
            var summary = await new EpisodeRecording(env.Env, new TransitionRecorder(dataset, "pick and lift the cube", true))
                .RunAsync(new RecordOptions { Episodes = train + held, Seed = 7 }, CancellationToken.None);
            Assert.Equal(train + held, summary.Saved);
            log.WriteLine($"recorded {summary.Frames} frames, {summary.Successes} successful episodes");
        }

        torch.manual_seed(0);
        var config = PreTrainedConfig.Create("reward_classifier", new Dictionary<string, string>
        {
            ["hidden_dim"] = "32", ["latent_dim"] = "32", ["image_encoder_hidden_dim"] = "8", ["learning_rate"] = "1e-3", ["dropout_rate"] = "0.0",
        });
        var output = Path.Combine(_dir, "classifier");
        const int steps = 150;
        var result = new PolicyTrainer(line => { }).Run(config,
            new LeRobotPolicyDataset(LeRobotDataset.Open(root, Enumerable.Range(0, train).Select(i => (long)i))),
            new TrainOptions { OutputDir = output, Steps = steps, BatchSize = 32, SaveFreq = steps, LogFreq = steps, Seed = 0 });
        var model = Path.Combine(result.LastCheckpoint!, "pretrained_model");

        var classifier = new RewardClassifierProcessorStep(model);
        var heldOut = LeRobotDataset.Open(root, Enumerable.Range(train, held).Select(i => (long)i));
        int correct = 0, positives = 0;
        for (var i = 0; i < heldOut.Count; i++)
        {
            var frame = heldOut.Get(i);
            var label = frame[PolicyKeys.Reward].Scalar > 0;
            positives += label ? 1 : 0;
            using var scope = torch.NewDisposeScope();
            var images = frame.Values.Where(kv => PolicyKeys.IsImage(kv.Key)).ToDictionary(kv => kv.Key,
                kv => torch.tensor(kv.Value.Image.Pixels, [kv.Value.Image.Height, kv.Value.Image.Width, kv.Value.Image.Channels]));
            if (classifier.PredictSuccess(images) == label) correct++;
        }
        var accuracy = 100.0 * correct / heldOut.Count;
        log.WriteLine($"held-out accuracy {accuracy:F1}% on {heldOut.Count} frames ({positives} positive) after {steps} steps");
        Assert.InRange(positives, 5, (int)heldOut.Count - 5);
        Assert.True(accuracy >= 95, $"held-out accuracy {accuracy:F1}%");

        // In the env: no operator presses anything, the ground truth gives no reward; the classifier ends the episode.
        using var withClassifier = RobotEnvironment.Open(SimConfigs.PickLift(rewardClassifier: model, controlTimeS: 8),
            new RobotEnvironmentOptions { UseTeleoperator = false, Seed = 7 });
        var replay = new EpisodeReplay(withClassifier.Env);
        var recorded = LeRobotDataset.Open(root);
        var successful = Enumerable.Range(train, held).First(e =>
        {
            var episode = recorded.Episode(e);
            return recorded.GetGlobal(episode.DatasetToIndex - 1)[PolicyKeys.Reward].Scalar > 0;
        });
        int? truthStep = null, doneStep = null;
        replay.Run(recorded, successful, seed: 7, onStep: (n, step) =>
        {
            if (step.Task?.Success == true) truthStep ??= n;
            if (step.Done) doneStep ??= n;
        });
        log.WriteLine($"replayed held-out episode {successful}: ground-truth success at step {truthStep}, the classifier ended it at step {doneStep}");
        Assert.NotNull(truthStep);
        Assert.NotNull(doneStep);
        Assert.InRange(doneStep!.Value, truthStep!.Value - 2, truthStep.Value + 3);
    }
}
