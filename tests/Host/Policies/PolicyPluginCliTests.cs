using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace RobotActors.Host.Tests.Policies;

public class PolicyPluginCliTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plugin-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A SAC small enough to train a few steps in a test.</summary>
    private static readonly string[] SmallSac =
        ["--policy.type=sac", "--policy.latent_dim=32", "--policy.critic_network_kwargs.hidden_dims=[32,32]", "--policy.actor_network_kwargs.hidden_dims=[32,32]"];

    [Fact]
    public async Task The_sample_plugin_is_built_discovered_listed_and_trained_through_the_cli_while_a_broken_plugin_is_skipped()
    {
        var project = Path.Combine(CliProcess.RepositoryRoot(), "tests", "PolicyPlugins", "RobotActors.Policy.Tiny", "RobotActors.Policy.Tiny.csproj");
        var build = CliProcess.Run("dotnet", ["build", project, "-o", Path.Combine(_dir, "build"), "-v", "q", "-nologo"], TimeSpan.FromMinutes(5));
        Assert.True(build.Code == 0, $"plugin build failed:\n{build.Out}\n{build.Err}");
        var plugins = Directory.CreateDirectory(Path.Combine(_dir, "plugins")).FullName;
        File.Copy(Path.Combine(_dir, "build", "RobotActors.Policy.Tiny.dll"), Path.Combine(plugins, "RobotActors.Policy.Tiny.dll"));
        File.WriteAllText(Path.Combine(plugins, "RobotActors.Policy.Broken.dll"), "not an assembly");

        var list = CliProcess.Robotactors("policies", "list", "--plugins", plugins);
        log.WriteLine($"$ robotactors policies list --plugins {plugins}\n{list.Out}{list.Err}");
        Assert.Equal(0, list.Code);
        Assert.Matches(new Regex(@"^tiny_mlp\s+plugin RobotActors\.Policy\.Tiny", RegexOptions.Multiline), list.Out);
        Assert.Matches(new Regex(@"^sac\s+built-in", RegexOptions.Multiline), list.Out);
        Assert.Matches(new Regex(@"^reward_classifier\s+built-in", RegexOptions.Multiline), list.Out);
        Assert.Contains("RobotActors.Policy.Broken.dll skipped", list.Err);

        var dataset = Path.Combine(_dir, "dataset");
        await TinyDataset.WriteAsync(dataset);
        var output = Path.Combine(_dir, "out");
        var train = CliProcess.Robotactors("train", "--plugins", plugins, "--dataset.root", dataset, "--policy.type", "tiny_mlp",
            "--policy.hidden_dim=16", "--policy.optimizer_lr", "0.02", "--steps", "40", "--batch_size", "16",
            "--log_freq", "10", "--save_freq", "20", "--output_dir", output, "--num_threads", "1");
        log.WriteLine($"$ robotactors train --policy.type tiny_mlp ...\n{train.Out}{train.Err}");
        Assert.True(train.Code == 0, $"train failed:\n{train.Out}\n{train.Err}");
        Assert.Contains("RobotActors.Policy.Broken.dll skipped", train.Err);
        Assert.Contains("step 40/40", train.Out);
        var losses = Regex.Matches(train.Out, @" loss=([0-9.eE+-]+)").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4, losses.Count);
        Assert.True(losses[^1] < losses[0], $"loss did not fall: {string.Join(", ", losses)}");

        var model = Path.Combine(output, "checkpoints", "000040", "pretrained_model");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "config.json")))!;
        Assert.Equal("tiny_mlp", config["type"]!.GetValue<string>());
        Assert.Equal(16, config["hidden_dim"]!.GetValue<int>());
        Assert.Contains("tiny_action_clip_processor", File.ReadAllText(Path.Combine(model, "policy_postprocessor.json")));
        Assert.True(Directory.Exists(Path.Combine(output, "checkpoints", "000020", "training_state")));
        Assert.Equal("000040", new DirectoryInfo(Path.Combine(output, "checkpoints", "last")).LinkTarget);

        var resume = CliProcess.Robotactors("train", "--plugins", plugins, "--dataset.root", dataset, "--resume", "--steps", "50",
            "--log_freq", "10", "--output_dir", output, "--num_threads", "1");
        log.WriteLine($"$ robotactors train --resume ...\n{resume.Out}{resume.Err}");
        Assert.True(resume.Code == 0, $"resume failed:\n{resume.Out}\n{resume.Err}");
        Assert.Contains("at step 40 (seed 1000, batch 16", resume.Out);
        Assert.Contains("step 50/50", resume.Out);
    }

    [Fact]
    public async Task Sac_trains_from_a_LeRobot_v3_dataset_with_dotted_overrides_and_a_bad_override_is_refused()
    {
        var dataset = Path.Combine(_dir, "dataset");
        await TinyDataset.WriteAsync(dataset);
        var output = Path.Combine(_dir, "sac");
        var train = CliProcess.Robotactors(["train", "--dataset.root", dataset, .. SmallSac, "--policy.actor_lr=1e-4",
            "--steps", "4", "--batch_size", "8", "--log_freq", "2", "--output_dir", output, "--plugins", Path.Combine(_dir, "none")]);
        log.WriteLine($"$ robotactors train --policy.type=sac --policy.actor_lr=1e-4 ...\n{train.Out}{train.Err}");
        Assert.True(train.Code == 0, $"train failed:\n{train.Out}\n{train.Err}");
        Assert.Contains("loss_actor=", train.Out);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "checkpoints", "000004", "pretrained_model", "config.json")))!;
        Assert.Equal(1e-4, config["actor_lr"]!.GetValue<double>());
        Assert.Equal(32, config["critic_network_kwargs"]!["hidden_dims"]![0]!.GetValue<int>());
        Assert.Equal("STATE", config["input_features"]!["observation.state"]!["type"]!.GetValue<string>());

        var bad = CliProcess.Robotactors("train", "--dataset.root", dataset, "--policy.type=sac", "--policy.actor_rl=1e-4",
            "--steps", "1", "--output_dir", Path.Combine(_dir, "bad"), "--plugins", Path.Combine(_dir, "none"));
        log.WriteLine($"$ robotactors train --policy.actor_rl=1e-4 ...\n{bad.Out}{bad.Err}");
        Assert.Equal(2, bad.Code); // a bad config: nothing was started
        Assert.Contains("actor_rl", bad.Err);
    }

    [Fact]
    public async Task Fine_tuning_with_policy_path_starts_from_the_pretrained_weights_and_takes_overrides()
    {
        var dataset = Path.Combine(_dir, "dataset");
        await TinyDataset.WriteAsync(dataset);
        var noPlugins = Path.Combine(_dir, "none");
        var first = CliProcess.Robotactors(["train", "--dataset.root", dataset, .. SmallSac, "--policy.actor_lr=1e-2",
            "--steps", "6", "--batch_size", "8", "--output_dir", Path.Combine(_dir, "first"), "--plugins", noPlugins]);
        Assert.True(first.Code == 0, $"first training failed:\n{first.Out}\n{first.Err}");
        var pretrained = Path.Combine(_dir, "first", "checkpoints", "last", "pretrained_model");

        // With every learning rate tiny (rates must be > 0) the actor and encoder barely move: after fine-tuning
        // they must be the pretrained ones, which differ from a fresh policy's after six steps at 1e-2.
        var tuned = CliProcess.Robotactors("train", "--dataset.root", dataset, "--policy.path", pretrained,
            "--policy.actor_lr=1e-12", "--policy.critic_lr=1e-12", "--policy.temperature_lr=1e-12",
            "--steps", "2", "--batch_size", "8", "--output_dir", Path.Combine(_dir, "tuned"), "--plugins", noPlugins);
        log.WriteLine($"$ robotactors train --policy.path {pretrained} --policy.actor_lr=1e-12 ...\n{tuned.Out}{tuned.Err}");
        Assert.True(tuned.Code == 0, $"fine-tuning failed:\n{tuned.Out}\n{tuned.Err}");
        Assert.Contains("Fine-tuning from", tuned.Out);
        var tunedModel = Path.Combine(_dir, "tuned", "checkpoints", "last", "pretrained_model");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(tunedModel, "config.json")))!;
        Assert.Equal(1e-12, config["actor_lr"]!.GetValue<double>());
        Assert.Equal(32, config["latent_dim"]!.GetValue<int>());
        Assert.Equal(Path.GetFullPath(pretrained), config["pretrained_path"]!.GetValue<string>());

        var before = RobotActors.Policies.SafeTensors.SafeTensorsFile.Read(Path.Combine(pretrained, "model.safetensors")).Tensors;
        var after = RobotActors.Policies.SafeTensors.SafeTensorsFile.Read(Path.Combine(tunedModel, "model.safetensors")).Tensors;
        var frozen = before.Keys.Where(k => k.StartsWith("actor.", StringComparison.Ordinal) || k.StartsWith("encoder.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(frozen);
        Assert.All(frozen, k => Assert.True(before[k].ToFloats().Zip(after[k].ToFloats(), (x, y) => Math.Abs(x - y)).Max() < 1e-6,
            $"'{k}' changed: the pretrained weights were not the starting point"));

        var both = CliProcess.Robotactors("train", "--dataset.root", dataset, "--policy.type=sac", "--policy.path", pretrained,
            "--steps", "1", "--output_dir", Path.Combine(_dir, "both"), "--plugins", noPlugins);
        Assert.Equal(2, both.Code);
        Assert.Contains("not both", both.Err);
    }
}
