using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RobotActors.Host.Tests.Policies;

public class RewardClassifierCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classifier-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_reward_classifier_trains_through_the_cli_on_camera_frames_of_a_LeRobot_v3_dataset()
    {
        var dataset = Path.Combine(_dir, "dataset");
        await SceneDataset.WriteAsync(dataset);
        var output = Path.Combine(_dir, "out");
        var train = CliProcess.Robotactors("train", "--dataset.root", dataset, "--policy.type=reward_classifier",
            "--policy.learning_rate=1e-3", "--policy.num_cameras=1", "--policy.hidden_dim=32", "--policy.latent_dim=32", "--policy.image_encoder_hidden_dim=8",
            "--steps", "60", "--batch_size", "16", "--log_freq", "20", "--save_freq", "60", "--output_dir", output,
            "--num_threads", "1", "--plugins", Path.Combine(_dir, "none"));
        Assert.True(train.Code == 0, $"train failed:\n{train.Out}\n{train.Err}");

        var accuracies = Regex.Matches(train.Out, @" accuracy=([0-9.eE+-]+)").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, accuracies.Count);
        Assert.True(accuracies[^1] >= 80, $"training accuracy stayed at {string.Join(", ", accuracies)}%");

        var model = Path.Combine(output, "checkpoints", "000060", "pretrained_model");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "config.json")))!;
        Assert.Equal("reward_classifier", config["type"]!.GetValue<string>());
        Assert.Equal(new[] { 3, 64, 64 }, config["input_features"]!["observation.images.front"]!["shape"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal("adamw", JsonNode.Parse(File.ReadAllText(Path.Combine(model, "train_config.json")))!["optimizer"]!["type"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(model, "policy_preprocessor_step_3_normalizer_processor.safetensors")));
    }
}
