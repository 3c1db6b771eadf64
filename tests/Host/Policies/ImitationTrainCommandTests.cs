namespace RobotActors.Host.Tests.Policies;

/// <summary>`robotactors train` refuses act and diffusion settings that cannot work, and datasets that lack what they need, before training.</summary>
[Collection("console")]
public sealed class ImitationTrainCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imitation-cli-").FullName;
    private string Dataset => Path.Combine(_dir, "dataset");

    public Task InitializeAsync() => TinyDataset.WriteAsync(Dataset);

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("--policy.type=act --policy.n_action_steps=200", "act: n_action_steps=200 is larger than chunk_size=100; n_action_steps must be at most chunk_size")]
    [InlineData("--policy.type=act", "act: input_features needs at least one camera (observation.image or observation.images.*) or observation.environment_state; got observation.state STATE[3]")]
    [InlineData("--policy.type=diffusion", "diffusion: input_features needs at least one camera (observation.image or observation.images.*) or observation.environment_state")]
    [InlineData("--policy.type=diffusion --policy.horizon=20", "diffusion: horizon=20 must be a multiple of 2^len(down_dims) = 8")]
    [InlineData("--policy.type=act --ema.decay=2", "--ema.decay must be in [0, 1], got 2")]
    public async Task Settings_and_datasets_that_cannot_work_are_refused_before_training_with_one_line(string flags, string expected)
    {
        var output = Path.Combine(_dir, "out");
        var (code, stdout, error) = await InProcessCli.RunAsync(["train", "--dataset.root", Dataset, .. flags.Split(' '), "--steps", "2",
            "--output_dir", output, "--num_threads", "1", "--plugins", Path.Combine(_dir, "none")]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error: " + expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("Training '", stdout);
        Assert.False(Directory.Exists(Path.Combine(output, "checkpoints")));
    }
}
