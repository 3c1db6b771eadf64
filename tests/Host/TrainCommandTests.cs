using System.Text.Json.Nodes;
using RobotActors.Host.Tests.Policies;

namespace RobotActors.Host.Tests;

/// <summary>
/// Issue 12.3/12.4/12.6/12.8 through `robotactors train` in this process: bad settings are refused before
/// anything is built with exit 2 and one line, a resume keeps the run's settings, and a run leaves its
/// metrics and loss curves behind.
/// </summary>
[Collection("console")]
public sealed class TrainCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("train-cli-").FullName;
    private string Dataset => Path.Combine(_dir, "dataset");

    public Task InitializeAsync() => TinyDataset.WriteAsync(Dataset);

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private static readonly string[] SmallSac =
        ["--policy.type=sac", "--policy.latent_dim=16", "--policy.critic_network_kwargs.hidden_dims=[16,16]", "--policy.actor_network_kwargs.hidden_dims=[16,16]"];

    private Task<(int Code, string Out, string Err)> Train(string output, params string[] args) =>
        InProcessCli.RunAsync(["train", "--output_dir", Path.Combine(_dir, output), "--num_threads", "1", "--plugins", Path.Combine(_dir, "none"), .. args]);

    [Theory]
    [InlineData("--policy.actor_lr=nan", "--policy.actor_lr must be > 0, got NaN")]
    [InlineData("--policy.discount=NaN", "--policy.discount must be in (0, 1], got NaN")]
    [InlineData("--policy.temperature_init=Infinity", "--policy.temperature_init must be > 0, got Infinity")]
    [InlineData("--policy.critic_lr=-1", "--policy.critic_lr must be > 0, got -1")]
    [InlineData("--policy.latent_dim=-5", "--policy.latent_dim must be >= 1, got -5")]
    [InlineData("--log_freq=0", "--log_freq must be >= 1, got 0")]
    [InlineData("--save_freq=0", "--save_freq must be >= 1, got 0")]
    [InlineData("--policy.device=cuda", "--policy.device: device 'cuda' is not available: this build's libtorch is CPU-only")]
    public async Task A_bad_setting_is_refused_with_one_line_and_nothing_is_written(string flag, string expected)
    {
        var (code, output, error) = await Train("bad", ["--dataset.root", Dataset, "--policy.type=sac", flag, "--steps", "2"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error: " + expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("Training", output);
        Assert.False(Directory.Exists(Path.Combine(_dir, "bad")));
    }

    [Fact]
    public async Task A_shape_in_info_json_that_the_data_disagrees_with_is_named_before_training()
    {
        var info = Path.Combine(Dataset, "meta", "info.json");
        var o = JsonNode.Parse(File.ReadAllText(info))!.AsObject();
        o["features"]!["observation.state"]!["shape"] = new JsonArray(7);
        File.WriteAllText(info, o.ToJsonString());
        var (code, output, error) = await Train("shape", ["--dataset.root", Dataset, .. SmallSac, "--steps", "2"]);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("'observation.state' has 3 values per statistic but meta/info.json gives it shape [7]", error);
        Assert.DoesNotContain("Exception raised from", error);
        Assert.DoesNotContain("Training", output);
    }

    [Fact]
    public async Task A_resume_takes_the_runs_settings_and_dataset_from_its_train_config_and_a_run_leaves_metrics_and_curves()
    {
        var (code, output, error) = await Train("run", ["--dataset.root", Dataset, .. SmallSac, "--steps", "6", "--save_freq", "3", "--log_freq", "2"]);
        Assert.True(code == 0, error);
        var run = Path.Combine(_dir, "run");
        var metrics = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal([2L, 4L, 6L], metrics.Select(m => m["step"]!.GetValue<long>()));
        Assert.All(metrics, m => Assert.True(double.IsFinite(m["loss_critic"]!.GetValue<double>())));
        var png = File.ReadAllBytes(Path.Combine(run, "loss_curves.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        // SAC logs three losses: one 450x300 panel each, two columns.
        Assert.Equal((900, 600), (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
        Assert.Contains($"Metrics of every logged step: {Path.Combine(run, "metrics.jsonl")}; loss curves: {Path.Combine(run, "loss_curves.png")}", output);

        // A crash after the step-3 checkpoint: checkpoint 3 is the last one, and the file has a line past it.
        var checkpoints = Path.Combine(run, "checkpoints");
        Directory.Delete(Path.Combine(checkpoints, "000006"), recursive: true);
        File.Delete(Path.Combine(checkpoints, "last"));
        File.CreateSymbolicLink(Path.Combine(checkpoints, "last"), "000003");

        // No --steps, no --dataset.root: both come from the run's train_config.json.
        (code, output, error) = await Train("run", ["--resume"]);
        Assert.True(code == 0, error);
        Assert.Contains("at step 3 (seed 1000, batch 8 from its train_config.json; steps 6, log_freq 2, save_freq 3)", output);
        Assert.Contains("Done: step 6", output);
        Assert.Equal([2L, 4L, 6L], File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!["step"]!.GetValue<long>()));

        (code, _, error) = await Train("run", ["--resume", "--steps", "5"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith($"error: --steps 5 does not go beyond the checkpoint: the run in {run} is at step 6 of 6", error);
        (code, _, error) = await Train("run", ["--resume"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("nothing to resume", error);
    }
}
