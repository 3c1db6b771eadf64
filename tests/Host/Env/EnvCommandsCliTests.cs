using System.Text.Json.Nodes;
using RobotActors.Host.Tests.Policies;
using Xunit.Abstractions;

namespace RobotActors.Host.Tests.Env;

/// <summary>
/// Issue 9's command acceptance, through the real executable: record on the simulated workcell with the shipped
/// real-SO-101 config changed only in robot port, URDF and teleoperator; validate; replay; eval of the scripted
/// operator, random actions and a SAC checkpoint trained on the recording; and bad input.
/// </summary>
public sealed class EnvCommandsCliTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ra-env-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static string RealConfig => Path.Combine(CliProcess.RepositoryRoot(), "examples", "hilserl", "env_config_so101_real.json");

    /// <summary>The three changes that put the real-arm config on the sim.</summary>
    private static readonly string[] OnSim =
        ["--env.robot.port=sim", "--env.processor.inverse_kinematics.urdf_path=models/so101.urdf", "--env.teleop.type=scripted"];

    /// <summary>Smaller cameras for the tests that do not exercise the full config (rendering 640×480 costs).</summary>
    private static readonly string[] SmallCameras =
    [
        "--env.robot.cameras.front.width=64", "--env.robot.cameras.front.height=64", "--env.robot.cameras.wrist.width=64",
        "--env.robot.cameras.wrist.height=64", "--env.processor.image_preprocessing.crop_params_dict={}", "--env.processor.image_preprocessing.resize_size=null",
    ];

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var result = CliProcess.Robotactors(args);
        log.WriteLine($"$ robotactors {string.Join(' ', args)}\n{result.Out}{result.Err}");
        return result;
    }

    [Fact]
    public void The_real_SO101_config_records_on_the_sim_with_LeRobots_columns_validates_and_replays_to_the_same_success()
    {
        var root = Path.Combine(_dir, "demos");
        var record = Run(["record", "--config_path", RealConfig, .. OnSim, $"--dataset.root={root}", "--dataset.num_episodes_to_record=2", "--seed", "11"]);
        Assert.True(record.Code == 0, record.Err);
        Assert.Contains("Recorded 2 episode(s)", record.Out);
        Assert.Contains("episode 1 of 2", record.Err);
        Assert.Contains("last event: episode 1: success (reward 1)", record.Err);

        var validate = Run("dataset", "validate", root);
        Assert.Equal(0, validate.Code);
        var info = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "meta", "info.json")))!;
        var features = info["features"]!.AsObject();
        foreach (var column in new[] { "action", "observation.state", "observation.images.front", "observation.images.wrist", "next.reward", "next.done", "complementary_info.discrete_penalty" })
            Assert.True(features.ContainsKey(column), $"no '{column}' in {string.Join(", ", features.Select(f => f.Key))}");
        Assert.Equal("video", features["observation.images.front"]!["dtype"]!.GetValue<string>());
        Assert.Equal([128, 128, 3], features["observation.images.wrist"]!["shape"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal(["delta_x", "delta_y", "delta_z", "gripper"], features["action"]!["names"]!.AsArray().Select(n => n!.GetValue<string>()));

        var replay = Run(["replay", "--config_path", RealConfig, .. OnSim, $"--dataset.root={root}", "--dataset.episode=1", "--seed", "11"]);
        Assert.True(replay.Code == 0, replay.Out + replay.Err);
        Assert.Contains("recorded: success", replay.Out);
        Assert.Contains("final state success", replay.Out);
        var elsewhere = Run(["replay", "--config_path", RealConfig, .. OnSim, $"--dataset.root={root}", "--dataset.episode=1", "--seed", "3"]);
        Assert.Equal(1, elsewhere.Code); // another scene: the recorded actions miss the cube
        Assert.Contains("did not end as the recording did", elsewhere.Out);
    }

    [Fact]
    public void Eval_prints_success_rates_for_the_scripted_operator_random_actions_and_a_SAC_checkpoint_and_writes_eval_info()
    {
        var root = Path.Combine(_dir, "demos");
        Assert.Equal(0, Run(["record", "--config_path", RealConfig, .. OnSim, .. SmallCameras, $"--dataset.root={root}", "--dataset.num_episodes_to_record=2", "--dataset.video=false"]).Code);
        var train = Run("train", "--dataset.root", root, "--policy.type=sac", "--policy.num_discrete_actions=3", "--policy.freeze_vision_encoder=false",
            "--policy.image_encoder_hidden_dim=4", "--policy.latent_dim=32", "--policy.critic_network_kwargs.hidden_dims=[32,32]",
            "--policy.actor_network_kwargs.hidden_dims=[32,32]", "--steps", "3", "--batch_size", "4", "--save_freq", "3",
            "--output_dir", Path.Combine(_dir, "sac"), "--num_threads", "1", "--plugins", Path.Combine(_dir, "none"));
        Assert.True(train.Code == 0, train.Out + train.Err);

        double Rate(string policy, params string[] extra)
        {
            var output = Path.Combine(_dir, "eval-" + policy.Replace('/', '_'));
            var run = Run(["eval", "--config_path", RealConfig, .. OnSim, .. SmallCameras, .. extra, "--eval.n_episodes=2", "--seed", "5", "--output_dir", output]);
            Assert.True(run.Code == 0, run.Err);
            Assert.Matches(@"success rate [0-9.]+% over 2 episodes, mean return [0-9.]+, mean episode length [0-9.]+ steps", run.Out);
            var aggregated = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "eval_info.json")))!["aggregated"]!;
            Assert.NotNull(aggregated["avg_sum_reward"]);
            Assert.NotNull(aggregated["avg_max_reward"]);
            return aggregated["pc_success"]!.GetValue<double>();
        }
        Assert.Equal(100, Rate("scripted", "--policy.type=scripted"));
        Assert.Equal(0, Rate("random", "--policy.type=random", "--env.processor.reset.control_time_s=2"));
        var checkpoint = Path.Combine(_dir, "sac", "checkpoints", "000003", "pretrained_model");
        Assert.InRange(Rate("sac", $"--policy.path={checkpoint}", "--env.processor.reset.control_time_s=1"), 0, 100);
    }

    [Fact]
    public void Bad_input_names_the_JSON_path_the_camera_and_its_size()
    {
        var misspelled = Path.Combine(_dir, "misspelled.json");
        File.WriteAllText(misspelled, File.ReadAllText(RealConfig).Replace("\"control_time_s\"", "\"control_time_sec\""));
        var record = Run(["record", "--config_path", misspelled, .. OnSim]);
        Assert.Equal(2, record.Code);
        Assert.Contains($"{misspelled}: env.processor.reset.control_time_sec: unknown key; did you mean 'control_time_s'?", record.Err);
        Assert.DoesNotContain("   at ", record.Err); // no stack trace without --verbose

        var root = Path.Combine(_dir, "tiny");
        Assert.Equal(0, Run(["record", "--config_path", RealConfig, .. OnSim, .. SmallCameras, $"--dataset.root={root}",
            "--dataset.num_episodes_to_record=1", "--dataset.video=false", "--env.processor.reset.control_time_s=0.5"]).Code);
        var crop = Run("crop-dataset-roi", "--root", root, "--crop", "observation.images.front=10,10,60,20", "--crop", "wrist=0,0,32,32");
        Assert.Equal(2, crop.Code);
        Assert.Contains("the box lies outside camera 'observation.images.front', whose frames are 64x64", crop.Err);
        var ok = Run("crop-dataset-roi", "--root", root, "--crop", "observation.images.front=8,8,48,48", "--crop", "wrist=0,0,32,32", "--resize", "32,32");
        Assert.Equal(0, ok.Code);
        Assert.Contains("Selected Rectangular Regions of Interest (top, left, height, width):", ok.Out);
        Assert.Contains("observation.images.front: [8, 8, 48, 48]", ok.Out);
        Assert.Equal(0, Run("dataset", "validate", root + "_cropped_resized").Code);
        var pngs = Run("crop-dataset-roi", "--root", root, "--output_dir", Path.Combine(_dir, "roi"));
        Assert.Equal(0, pngs.Code);
        Assert.True(File.Exists(Path.Combine(_dir, "roi", "observation.images.wrist.png")));
    }

    [Fact]
    public void Lerobot_records_flags_record_on_the_sim_without_the_rl_columns()
    {
        var root = Path.Combine(_dir, "flags");
        var record = Run("record", "--robot.type=so101_follower", "--robot.port=sim", "--robot.cameras={ front: {type: opencv, width: 48, height: 48, fps: 30}}",
            "--teleop.type=scripted", $"--dataset.root={root}", "--dataset.single_task=pick up the cube", "--dataset.num_episodes=1",
            "--dataset.episode_time_s=2", "--dataset.reset_time_s=0", "--dataset.fps=10", "--dataset.video=false");
        Assert.True(record.Code == 0, record.Err);
        var features = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "meta", "info.json")))!["features"]!.AsObject();
        Assert.True(features.ContainsKey("observation.images.front"));
        Assert.False(features.ContainsKey("next.reward"));
        Assert.Equal(20, JsonNode.Parse(File.ReadAllText(Path.Combine(root, "meta", "info.json")))!["total_frames"]!.GetValue<int>());
        var bad = Run("record", "--robot.type=so101_follower", "--robot.port=sim", "--teleop.type=scripted", $"--dataset.root={root}2",
            "--dataset.single_task=x", "--dataset.num_episode=1");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--dataset.num_episode is not a flag", bad.Err);
    }
}
