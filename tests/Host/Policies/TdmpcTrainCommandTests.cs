using System.Text.Json.Nodes;
using RobotActors.Datasets.Format;
using RobotActors.Datasets.Writing;
using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Training;
using TorchSharp;

namespace RobotActors.Host.Tests.Policies;

/// <summary>
/// `robotactors train --policy.type tdmpc` learns from demonstrations with their reward: the world model's losses
/// fall over a short offline run, the checkpoint plans the same actions however often it is loaded, and a dataset
/// without next.reward is refused before anything is built.
/// </summary>
[Collection("console")]
public sealed class TdmpcTrainCommandTests(Xunit.Abstractions.ITestOutputHelper log) : IAsyncLifetime
{
    // A CPU-sized TD-MPC: small networks, few planner samples, a 3-step window.
    private static readonly string[] Small =
    [
        "--policy.type=tdmpc", "--policy.horizon=3", "--policy.latent_dim=16", "--policy.mlp_dim=64", "--policy.state_encoder_hidden_dim=64",
        "--policy.q_ensemble_size=2", "--policy.cem_iterations=2", "--policy.n_gaussian_samples=32", "--policy.n_pi_samples=4",
        "--policy.n_elites=4", "--policy.n_action_repeats=1", "--policy.optimizer_lr=1e-3",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("tdmpc-cli-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Demonstrations of a point pushed by its action (state' = state + 0.2·action, action = −state + noise) with the
    /// dense reward 1 − |state'|₁ in next.reward: dynamics, reward and π all have something to learn.
    /// </summary>
    private static async Task WriteAsync(string root, bool withReward)
    {
        var features = new List<FeatureSpec>
        {
            FeatureSpec.Numeric("observation.state", DTypes.Float32, [2], ["x", "y"]),
            FeatureSpec.Numeric("action", DTypes.Float32, [2], ["vx", "vy"]),
        };
        if (withReward) features.Add(FeatureSpec.Numeric("next.reward", DTypes.Float32, [1]));
        var recorder = DatasetRecorder.Create(root, 10, features, "so101_follower");
        var rng = new Random(5);
        float Noise(double scale) => (float)((rng.NextDouble() * 2 - 1) * scale);
        for (var e = 0; e < 4; e++)
        {
            float[] s = [Noise(1), Noise(1)];
            for (var i = 0; i < 20; i++)
            {
                float[] a = [Math.Clamp(-s[0] + Noise(0.3), -1, 1), Math.Clamp(-s[1] + Noise(0.3), -1, 1)];
                float[] next = [s[0] + 0.2f * a[0], s[1] + 0.2f * a[1]];
                var frame = new Dictionary<string, object> { ["observation.state"] = s, ["action"] = a };
                if (withReward) frame["next.reward"] = new[] { 1 - Math.Abs(next[0]) - Math.Abs(next[1]) };
                recorder.AddFrame(frame, "bring the point home");
                s = next;
            }
            await recorder.SaveEpisodeAsync();
        }
        recorder.FinalizeDataset();
    }

    private Task<(int Code, string Out, string Err)> Train(string dataset, string output, params string[] flags) =>
        InProcessCli.RunAsync(["train", "--dataset.root", dataset, .. Small, .. flags, "--output_dir", output, "--num_threads", "1",
            "--plugins", Path.Combine(_dir, "none")]);

    [Fact]
    public async Task A_dataset_without_next_reward_is_refused_before_training_with_one_line_naming_it_and_the_fix()
    {
        var dataset = Path.Combine(_dir, "no-reward");
        await WriteAsync(dataset, withReward: false);
        var output = Path.Combine(_dir, "out");
        var (code, stdout, error) = await Train(dataset, output, "--steps", "2");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error: tdmpc: the dataset has no 'next.reward' feature (it has action, observation.state); " +
                          "tdmpc learns from a reward per step (reward_delta_indices): train on a dataset recorded with the env's reward", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("Training '", stdout);
        Assert.False(Directory.Exists(Path.Combine(output, "checkpoints")));
    }

    [Fact]
    public async Task Offline_training_lowers_the_world_models_losses_and_the_checkpoint_plans_bit_identical_actions_after_load()
    {
        var dataset = Path.Combine(_dir, "demos");
        await WriteAsync(dataset, withReward: true);
        var output = Path.Combine(_dir, "run");
        var (code, stdout, error) = await Train(dataset, output, "--steps", "150", "--batch_size", "16", "--log_freq", "5", "--save_freq", "150", "--seed", "7");
        Assert.True(code == 0, error + stdout);
        Assert.Contains("Training 'tdmpc' on 80 frames", stdout);

        var metrics = File.ReadAllLines(Path.Combine(output, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(30, metrics.Count);
        double Mean(IEnumerable<JsonNode> lines, string key) => lines.Average(m => m[key]!.GetValue<double>());
        // The world model's terms and their weighted sum; pi_loss is left out: its advantage weights exp(3·(Q − V))
        // grow as Q learns the reward, so it need not fall.
        var failures = new List<string>();
        foreach (var key in new[] { "consistency_loss", "reward_loss", "Q_value_loss", "V_value_loss", "sum_loss" })
        {
            var (first, last) = (Mean(metrics.Take(2), key), Mean(metrics.TakeLast(3), key));
            log.WriteLine($"{key}: steps 5-10 {first:G4} -> steps 140-150 {last:G4}");
            if (!(last < 0.5 * first)) failures.Add($"{key}: first logged steps {first:G4}, last {last:G4}: " + string.Join(" ", metrics.Select(m => m[key]!.GetValue<double>().ToString("G3"))));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.All(metrics, m => Assert.True(double.IsFinite(m["consistency_loss"]!.GetValue<double>()) && double.IsFinite(m["Q_value_loss"]!.GetValue<double>())));

        var model = Path.Combine(Checkpoints.Last(output)!, Checkpoints.PretrainedModelDir);
        var observations = Enumerable.Range(0, 4).Select(i => new Dictionary<string, torch.Tensor>
        {
            [PolicyKeys.ObservationState] = torch.tensor(new[] { 0.8f - 0.4f * i, 0.3f * i - 0.5f }).unsqueeze(0),
        }).ToList();
        List<float[]> Plan()
        {
            var (policy, pre, post) = PolicyFactory.LoadPretrained(model);
            using (policy)
            {
                Assert.Equal("tdmpc", policy.Config.Type);
                policy.Reset();
                torch.manual_seed(42); // the planner's samples
                return observations.Select(o => post!.ProcessAction(policy.SelectAction(pre!.ProcessBatch(o))).reshape(-1).data<float>().ToArray()).ToList();
            }
        }
        var (once, again) = (Plan(), Plan());
        Assert.All(once, a => Assert.True(a.Length == 2 && a.All(float.IsFinite)));
        for (var i = 0; i < once.Count; i++) Assert.Equal(once[i], again[i]);
    }
}
