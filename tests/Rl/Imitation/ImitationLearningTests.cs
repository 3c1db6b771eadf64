using System.Diagnostics;
using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Training;
using RobotActors.Rl.Data;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Imitation;

/// <summary>
/// ACT and Diffusion Policy learn from 50 scripted demonstrations recorded as a LeRobot v3 dataset, trained by
/// the same trainer `robotactors train` runs (delta timestamps through the dataset loader), then scored in closed
/// loop on 40 episodes they never saw, against a random policy with the same step limit (which reaches none).
/// ACT runs on the environment state: with a camera its ResNet-18 trains too slowly on the CPU for a test.
/// </summary>
public class ImitationLearningTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imitation-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (PreTrainedPolicy Policy, Policies.Processors.ProcessorPipeline Pre, Policies.Processors.ProcessorPipeline Post) Train(
        string name, PreTrainedConfig config, bool camera, int steps, int batch)
    {
        torch.set_num_threads(2);
        var root = Path.Combine(_dir, name + "-data");
        PointReach.RecordAsync(root, episodes: 50, seed: 1, camera).GetAwaiter().GetResult();
        var dataset = new LeRobotPolicyDataset(Datasets.Reading.LeRobotDataset.Open(root));
        var clock = Stopwatch.StartNew();
        var result = new PolicyTrainer(l => { if (l.Contains("step") && !l.Contains("Training")) log.WriteLine(l); })
            .Run(config, dataset, new TrainOptions
            {
                OutputDir = Path.Combine(_dir, name), Steps = steps, BatchSize = batch, SaveFreq = steps, LogFreq = steps / 4, Seed = 3,
            });
        log.WriteLine($"{name}: {steps} steps in {clock.Elapsed.TotalSeconds:F1} s");
        var loaded = PolicyFactory.LoadPretrained(Path.Combine(result.LastCheckpoint!, "pretrained_model"));
        return (loaded.Policy, loaded.Pre!, loaded.Post!);
    }

    private static Func<Dictionary<string, Tensor>, float[,]> Closed((PreTrainedPolicy Policy, Policies.Processors.ProcessorPipeline Pre, Policies.Processors.ProcessorPipeline Post) p) =>
        observation =>
        {
            using var scope = torch.NewDisposeScope();
            var action = p.Post.ProcessAction(p.Policy.SelectAction(p.Pre.ProcessBatch(observation)));
            var result = new float[action.shape[0], 2];
            var values = action.data<float>().ToArray();
            for (var i = 0; i < result.GetLength(0); i++) (result[i, 0], result[i, 1]) = (values[2 * i], values[2 * i + 1]);
            return result;
        };

    private static double RandomRate(bool camera) => PointReach.SuccessRate(o =>
    {
        var rng = new Random(o["observation.state"].GetHashCode());
        var a = new float[o["observation.state"].shape[0], 2];
        for (var i = 0; i < a.GetLength(0); i++) (a[i, 0], a[i, 1]) = ((float)rng.NextDouble() * 0.24f - 0.12f, (float)rng.NextDouble() * 0.24f - 0.12f);
        return a;
    }, () => { }, episodes: 40, seed: 99, camera);

    [Fact]
    public void Act_learns_to_reach_a_target_given_as_its_environment_state()
    {
        var config = PreTrainedConfig.Create("act", new Dictionary<string, string>
        {
            ["chunk_size"] = "10", ["n_action_steps"] = "5", ["dim_model"] = "64", ["n_heads"] = "4", ["dim_feedforward"] = "128",
            ["n_encoder_layers"] = "1", ["n_vae_encoder_layers"] = "1", ["latent_dim"] = "8", ["optimizer_lr"] = "1e-3",
        });
        var trained = Train("act", config, camera: false, steps: 1000, batch: 64);
        var success = PointReach.SuccessRate(Closed(trained), trained.Policy.Reset, episodes: 40, seed: 99, camera: false);
        var random = RandomRate(camera: false);
        log.WriteLine($"act success {success:P0} over 40 unseen episodes; random policy {random:P0}");
        Assert.True(success >= 0.5, $"ACT reached the target in {success:P0} of the episodes");
        Assert.True(random <= 0.1, $"random {random:P0}");
    }

    [Fact]
    public void Diffusion_policy_learns_to_reach_a_target_from_its_observation_history()
    {
        var config = PreTrainedConfig.Create("diffusion", new Dictionary<string, string>
        {
            ["horizon"] = "8", ["n_action_steps"] = "4", ["down_dims"] = "[32,64]", ["kernel_size"] = "3", ["n_groups"] = "4",
            ["diffusion_step_embed_dim"] = "32", ["noise_scheduler_type"] = "\"DDIM\"", ["num_inference_steps"] = "10",
            ["drop_n_last_frames"] = "3", ["optimizer_lr"] = "1e-3", ["scheduler_warmup_steps"] = "50",
        });
        var trained = Train("diffusion", config, camera: false, steps: 1200, batch: 64);
        var success = PointReach.SuccessRate(Closed(trained), trained.Policy.Reset, episodes: 40, seed: 99, camera: false);
        var random = RandomRate(camera: false);
        log.WriteLine($"diffusion success {success:P0} over 40 unseen episodes; random policy {random:P0}");
        Assert.True(success >= 0.6, $"Diffusion Policy reached the target in {success:P0} of the episodes");
        Assert.True(random <= 0.1, $"random {random:P0}");
    }
}
