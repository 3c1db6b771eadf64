using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RobotActors.Policies;
using RobotActors.Policies.Act;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Rl.Env;
using RobotActors.Rl.Env.Config;
using TorchSharp;
using Xunit.Abstractions;

namespace RobotActors.Host.Tests.Policies;

/// <summary>
/// `robotactors rollout` on the simulated workcell with a small ACT trained here to push the end effector sideways
/// (delta_y = +1): the loop runs at its rate for the duration, the policy's actions reach the servos through the
/// safety step, and the arm moves. Bad input is refused with the flag named.
/// </summary>
[Collection("console")]
public sealed class RolloutCliTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ra-rollout-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var result = await InProcessCli.RunAsync(args);
        log.WriteLine($"$ robotactors {string.Join(' ', args)}\n{result.Out}{result.Err}");
        return result;
    }

    /// <summary>The shipped real-SO-101 config on the sim: reach_cube, one 32×32 front camera, end-effector actions.</summary>
    private string SimConfig()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(CliProcess.RepositoryRoot(), "examples", "hilserl", "env_config_so101_real.json")))!;
        var env = config["env"]!;
        env["task"] = "reach_cube";
        env["robot"]!["port"] = "sim";
        env["robot"]!["cameras"] = new JsonObject { ["front"] = new JsonObject { ["type"] = "opencv", ["index_or_path"] = 0, ["width"] = 32, ["height"] = 32, ["fps"] = 30 } };
        env["teleop"]!["type"] = "scripted";
        env["processor"]!["image_preprocessing"] = new JsonObject { ["crop_params_dict"] = new JsonObject(), ["resize_size"] = null };
        env["processor"]!["inverse_kinematics"]!["urdf_path"] = Path.Combine(CliProcess.RepositoryRoot(), "models", "so101.urdf");
        var path = Path.Combine(_dir, "reach_cube_sim.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    /// <summary>An ACT for this env's inputs trained for 25 steps to answer every observation with delta_y = +1, gripper stay.</summary>
    private string TrainSidewaysAct(string configPath)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var config = GymManipulatorConfigReader.Read(configPath, []);
        Dictionary<string, PolicyFeature> features;
        IReadOnlyList<string> actions;
        using (var environment = RobotEnvironment.Open(config.Env, new RobotEnvironmentOptions { UseTeleoperator = false, ConfigFile = configPath }))
        {
            features = environment.ObservationFeatures();
            actions = environment.ActionNames;
        }
        Assert.Equal(["delta_x", "delta_y", "delta_z", "gripper"], actions);
        torch.manual_seed(3);
        var act = new ActConfig
        {
            ChunkSize = 10, NActionSteps = 10, DimModel = 32, NHeads = 4, DimFeedforward = 64, NEncoderLayers = 1, NDecoderLayers = 1,
            NVaeEncoderLayers = 1, LatentDim = 8, PretrainedBackboneWeights = null, OptimizerLr = 1e-3, OptimizerLrBackbone = 1e-4,
        };
        foreach (var (key, feature) in features) act.InputFeatures[key] = feature;
        act.OutputFeatures[PolicyKeys.Action] = new(FeatureType.Action, [actions.Count]);
        var stats = new DatasetStats().Set(PolicyKeys.Action, "mean", [0, 0, 0, 0]).Set(PolicyKeys.Action, "std", [1, 1, 1, 1]);
        foreach (var (key, feature) in features)
        {
            var n = feature.Shape[0]; // channels of an image, entries of a state
            var std = Enumerable.Repeat(feature.Type == FeatureType.Visual ? 0.25f : 50f, n).ToArray();
            stats.Set(key, "mean", Enumerable.Repeat(feature.Type == FeatureType.Visual ? 0.5f : 0f, n).ToArray()).Set(key, "std", std);
        }
        log.WriteLine($"env features read in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
        using var policy = PolicyFactory.MakePolicy(act, stats);
        // Only the transformer and heads learn (the backbone stays at its seeded weights): the answer ignores the image,
        // and backpropagating through ResNet-18 would cost most of this test's time on a loaded 2-core machine.
        foreach (var (name, p) in policy.named_parameters())
            if (name.Contains(".backbone.")) p.requires_grad = false;
        var (pre, post) = PolicyFactory.MakeProcessors(act, stats);
        var optimizers = policy.MakeOptimizers(act.GetOptimizerPreset());
        var target = torch.tensor(new float[] { 0, 1, 0, 1 });
        Dictionary<string, torch.Tensor> Batch()
        {
            var b = features.ToDictionary(kv => kv.Key, kv => torch.randn([4, .. kv.Value.Shape.Select(d => (long)d)]));
            b[PolicyKeys.Action] = target.expand(4, 10, 4).clone();
            b["action_is_pad"] = torch.zeros(4, 10, dtype: torch.ScalarType.Bool);
            return b;
        }
        var threads = torch.get_num_threads();
        torch.set_num_threads(1);
        for (var step = 0; step < 25; step++)
        {
            using var scope = torch.NewDisposeScope();
            policy.TrainStep(Batch, optimizers, step);
        }
        torch.set_num_threads(threads);
        var path = Path.Combine(_dir, "act");
        policy.SavePretrained(path, pre, post);
        return path;
    }

    [Fact]
    public async Task Rollout_runs_a_trained_act_on_the_sim_at_its_rate_and_the_arm_moves()
    {
        var config = SimConfig();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var act = TrainSidewaysAct(config);
        log.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F1} s");
        var run = await Run("rollout", "--config_path", config, $"--policy.path={act}", "--fps=15", "--duration=2", "--task", "reach the cube");
        Assert.True(run.Code == 0, run.Out + run.Err);
        var line = run.Out.Split('\n').Single(l => l.StartsWith("rollout: ", StringComparison.Ordinal));
        double Figure(string name) => double.Parse(Regex.Match(line, $@"\b{name}=([\d.]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(Figure("ticks"), 8, 31);         // 2 s at 15 fps; the first tick loads the model (slower on a busy machine)
        Assert.Equal(0, Figure("holds"));               // a local policy always has an action
        Assert.True(Figure("joint_travel_max") > 5, line); // the arm went sideways
        Assert.Contains("Rolling out act", run.Err);

        // episodic: two episodes of at most 1 s with the scene reset between them, then the rollout ends by itself
        var episodic = await Run("rollout", "--config_path", config, $"--policy.path={act}", "--fps=15", "--strategy.type=episodic",
            "--strategy.num_episodes=2", "--strategy.episode_time_s=1");
        Assert.True(episodic.Code == 0, episodic.Out + episodic.Err);
        Assert.Contains("episodes=2 ", episodic.Out);
        Assert.Contains("episode 2 starts", episodic.Err);
    }

    [Fact]
    public async Task Bad_rollout_input_is_refused_naming_the_flag_and_the_rule()
    {
        var config = SimConfig();
        var both = await Run("rollout", "--config_path", config, "--policy.path=x", "--policy.remote=127.0.0.1:4053");
        Assert.Equal(2, both.Code);
        Assert.Contains("--policy.path", both.Err);

        var notFolder = await Run("rollout", "--config_path", config, $"--policy.path={_dir}");
        Assert.Equal(2, notFolder.Code);
        Assert.Contains("no config.json", notFolder.Err);

        var strategy = await Run("rollout", "--config_path", config, "--policy.path=x", "--strategy.type=dagger");
        Assert.Equal(2, strategy.Code);
        Assert.Contains("--strategy.type dagger", strategy.Err);

        var act = Path.Combine(_dir, "plain-act");
        new ActConfig { InputFeatures = { [PolicyKeys.ObservationState] = new(FeatureType.State, [4]) }, OutputFeatures = { [PolicyKeys.Action] = new(FeatureType.Action, [4]) } }.Save(act);
        var rtc = await Run("rollout", "--config_path", config, $"--policy.path={act}", "--inference.type=rtc");
        Assert.Equal(2, rtc.Code);
        Assert.Contains("does not support Real-Time Chunking", rtc.Err);
        Assert.Contains("--inference.type=sync", rtc.Err);

        var rtcFlag = await Run("rollout", "--config_path", config, $"--policy.path={act}", "--inference.rtc.execution_horizon=4");
        Assert.Equal(2, rtcFlag.Code);
        Assert.Contains("--inference.rtc.execution_horizon belongs to --inference.type=rtc", rtcFlag.Err);

        var threshold = await Run("rollout", "--config_path", config, "--policy.remote=127.0.0.1:1", "--inference.chunk_size_threshold=2");
        Assert.Equal(2, threshold.Code);
        Assert.Contains("chunk_size_threshold", threshold.Err);
        Assert.DoesNotContain("   at ", both.Err + strategy.Err + rtc.Err + rtcFlag.Err + threshold.Err);
    }
}
