using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace RobotActors.Host.Tests.Policies;

/// <summary>
/// A chunking policy end to end on the simulated workcell, through the real executable: scripted demonstrations of
/// reach_cube recorded with `record`, a tiny ACT trained on them with `train`, and `eval --policy.path` running it
/// with its action queue (n_action_steps=2 of a 10-step chunk) against the random baseline on the same scenes.
/// Small on purpose (one 32×32 camera, 60 steps); the full-size figures are in the branch notes.
/// </summary>
public sealed class ActSimEvalCliTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ra-act-sim-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var result = CliProcess.Robotactors(args);
        log.WriteLine($"$ robotactors {string.Join(' ', args)}\n{result.Out}{result.Err}");
        return result;
    }

    /// <summary>The shipped real-SO-101 config on the sim, doing reach_cube with one small front camera.</summary>
    private string SimConfig()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(CliProcess.RepositoryRoot(), "examples", "hilserl", "env_config_so101_real.json")))!;
        var env = config["env"]!;
        env["task"] = "reach_cube";
        env["robot"]!["port"] = "sim";
        env["robot"]!["cameras"] = new JsonObject { ["front"] = new JsonObject { ["type"] = "opencv", ["index_or_path"] = 0, ["width"] = 32, ["height"] = 32, ["fps"] = 30 } };
        env["teleop"]!["type"] = "scripted";
        env["processor"]!["image_preprocessing"] = new JsonObject { ["crop_params_dict"] = new JsonObject(), ["resize_size"] = null };
        env["processor"]!["inverse_kinematics"]!["urdf_path"] = "models/so101.urdf";
        var path = Path.Combine(_dir, "reach_cube_sim.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    [Fact]
    public void Act_trained_on_recorded_reach_cube_demonstrations_beats_random_actions_in_eval()
    {
        var config = SimConfig();
        var demos = Path.Combine(_dir, "demos");
        var record = Run("record", "--config_path", config, $"--dataset.root={demos}", "--dataset.num_episodes_to_record=10", "--dataset.video=false", "--seed", "1");
        Assert.True(record.Code == 0, record.Err);
        Assert.Contains("(10 successful", record.Out);

        var train = Run("train", "--dataset.root", demos, "--policy.type=act", "--policy.chunk_size=10", "--policy.n_action_steps=2",
            "--policy.dim_model=32", "--policy.n_heads=4", "--policy.dim_feedforward=64", "--policy.n_encoder_layers=1", "--policy.n_vae_encoder_layers=1",
            "--policy.latent_dim=8", "--policy.pretrained_backbone_weights=null", "--policy.optimizer_lr=1e-4", "--policy.optimizer_lr_backbone=1e-4",
            "--steps", "60", "--batch_size", "8", "--save_freq", "60", "--log_freq", "20", "--seed", "1",
            "--output_dir", Path.Combine(_dir, "act"), "--num_threads", "1", "--plugins", Path.Combine(_dir, "none"));
        Assert.True(train.Code == 0, train.Out + train.Err);

        double Rate(string name, params string[] policy)
        {
            var output = Path.Combine(_dir, "eval-" + name);
            var run = Run(["eval", "--config_path", config, .. policy, "--eval.n_episodes=10", "--seed", "5",
                "--env.processor.reset.control_time_s=3", "--output_dir", output]);
            Assert.True(run.Code == 0, run.Out + run.Err);
            return JsonNode.Parse(File.ReadAllText(Path.Combine(output, "eval_info.json")))!["aggregated"]!["pc_success"]!.GetValue<double>();
        }
        var act = Rate("act", $"--policy.path={Path.Combine(_dir, "act", "checkpoints", "000060", "pretrained_model")}");
        var random = Rate("random", "--policy.type=random");
        log.WriteLine($"act {act}% random {random}% over 10 reach_cube episodes");
        Assert.Equal(0, random);
        Assert.True(act > random, $"act {act}% is not above random {random}%");
    }
}
