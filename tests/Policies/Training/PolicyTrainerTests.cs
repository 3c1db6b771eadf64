using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Policies.SafeTensors;
using RobotActors.Policies.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Training;

public class PolicyTrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trainer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Three episodes of 20 frames: a state (3-D unless asked), a 2-D action and a reward (1 unless asked) on each episode's last frame.</summary>
    private static InMemoryPolicyDataset Dataset(int stateDim = 3, float rewardValue = 1, bool withCamera = false)
    {
        torch.manual_seed(0);
        const int frames = 60;
        var episode = torch.tensor(Enumerable.Range(0, frames).Select(i => (long)(i / 20)).ToArray());
        var reward = torch.zeros(frames);
        foreach (var i in new[] { 19, 39, 59 }) reward[i] = rewardValue;
        var features = new Dictionary<string, PolicyFeature>
        {
            [PolicyKeys.ObservationState] = new(FeatureType.State, [stateDim]),
            [PolicyKeys.Action] = new(FeatureType.Action, [2]),
            [PolicyKeys.Reward] = new(FeatureType.Reward, [1]),
        };
        var stats = new DatasetStats()
            .Set(PolicyKeys.ObservationState, "min", Enumerable.Repeat(-3f, stateDim).ToArray())
            .Set(PolicyKeys.ObservationState, "max", Enumerable.Repeat(3f, stateDim).ToArray())
            .Set(PolicyKeys.Action, "min", [-1, -1]).Set(PolicyKeys.Action, "max", [1, 1]);
        var columns = new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = torch.randn(frames, stateDim),
            [PolicyKeys.Action] = torch.rand(frames, 2) * 2 - 1,
            [PolicyKeys.Reward] = reward,
            [TransitionBatches.EpisodeIndexKey] = episode,
        };
        if (withCamera)
        {
            features["observation.images.front"] = new(FeatureType.Visual, [3, 8, 8]);
            stats.Set("observation.images.front", "mean", [0.5f, 0.5f, 0.5f], [3, 1, 1]).Set("observation.images.front", "std", [0.2f, 0.2f, 0.2f], [3, 1, 1]);
            columns["observation.images.front"] = torch.rand(frames, 3, 8, 8);
        }
        return new InMemoryPolicyDataset(features, stats, columns);
    }

    private static PreTrainedConfig SmallSac() => PreTrainedConfig.Create("sac", new Dictionary<string, string>
    {
        ["latent_dim"] = "16",
        ["critic_network_kwargs.hidden_dims"] = "[16,16]",
        ["actor_network_kwargs.hidden_dims"] = "[16,16]",
        ["utd_ratio"] = "2",
    });

    private TrainOptions Options(string name, long steps, bool resume = false) => new()
    {
        OutputDir = Path.Combine(_dir, name), Steps = steps, BatchSize = 8, SaveFreq = 3, LogFreq = 1, Seed = 7, Resume = resume,
    };

    [Fact]
    public void Checkpoints_use_LeRobot_layout_and_a_resumed_run_ends_bit_identical_to_an_uninterrupted_one()
    {
        torch.set_num_threads(1);
        var log = new List<string>();
        var straight = new PolicyTrainer(log.Add).Run(SmallSac(), Dataset(), Options("straight", 6));
        Assert.Equal(6, straight.Step);
        Assert.Contains(log, l => l.Contains("step 6/6") && l.Contains("loss_critic="));

        var checkpoint = Path.Combine(_dir, "straight", "checkpoints", "000006");
        foreach (var file in new[] { "pretrained_model/config.json", "pretrained_model/model.safetensors", "pretrained_model/train_config.json",
                     "pretrained_model/policy_preprocessor.json", "pretrained_model/policy_postprocessor.json",
                     "pretrained_model/policy_preprocessor_step_3_normalizer_processor.safetensors",
                     "training_state/training_step.json", "training_state/optimizer_state.safetensors",
                     "training_state/optimizer_param_groups.json", "training_state/rng_state.safetensors", "training_state/scheduler_state.json" })
            Assert.True(File.Exists(Path.Combine(checkpoint, file)), $"{file} missing");
        Assert.True(Directory.Exists(Path.Combine(_dir, "straight", "checkpoints", "000003")));
        Assert.Equal("000006", new DirectoryInfo(Path.Combine(_dir, "straight", "checkpoints", "last")).LinkTarget);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(Path.Combine(_dir, "straight", "checkpoints")), e => Path.GetFileName(e).StartsWith(".tmp"));
        var optimizerState = SafeTensorsFile.Read(Path.Combine(checkpoint, "training_state/optimizer_state.safetensors"));
        Assert.Contains("critic/state/0/exp_avg", optimizerState.Tensors.Keys);
        Assert.Contains("temperature/state/0/exp_avg_sq", optimizerState.Tensors.Keys);

        new PolicyTrainer(_ => { }).Run(SmallSac(), Dataset(), Options("resumed", 3));
        var resumeLog = new List<string>();
        var resumed = new PolicyTrainer(resumeLog.Add).Run(null, Dataset(), Options("resumed", 6, resume: true) with { Seed = 99, BatchSize = 4, ResumeOverrides = new HashSet<string> { "steps" } });
        Assert.Contains(resumeLog, l => l.StartsWith("Resuming from") && l.Contains("at step 3 (seed 7, batch 8"));
        Assert.Equal(6, resumed.Step);

        var a = SafeTensorsFile.Read(Path.Combine(checkpoint, "pretrained_model/model.safetensors"));
        var b = SafeTensorsFile.Read(Path.Combine(_dir, "resumed", "checkpoints", "000006", "pretrained_model/model.safetensors"));
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        foreach (var key in a.Tensors.Keys) Assert.True(a.Tensors[key].Data.SequenceEqual(b.Tensors[key].Data), $"'{key}' differs after resume");
    }

    [Fact]
    public void A_non_finite_loss_stops_the_run_naming_loss_and_step_and_keeps_the_last_good_checkpoint()
    {
        torch.set_num_threads(1);
        new PolicyTrainer(_ => { }).Run(SmallSac(), Dataset(), Options("diverge", 3));
        var good = File.ReadAllBytes(Path.Combine(_dir, "diverge", "checkpoints", "000003", "pretrained_model", "model.safetensors"));
        // Rewards of 1e30 overflow the critic's squared error in float32 as soon as a batch holds one.
        var extreme = Dataset(rewardValue: 1e30f);

        var e = Assert.Throws<TrainingDivergedException>(() => new PolicyTrainer(_ => { }).Run(null, extreme, Options("diverge", 9, resume: true) with { ResumeOverrides = new HashSet<string> { "steps" } }));

        Assert.InRange(e.Step, 4, 9);
        Assert.StartsWith("loss_critic became", e.Message);
        Assert.Contains($"at step {e.Step}; training stopped", e.Message);
        Assert.Contains($"The last good checkpoint is {Path.Combine(_dir, "diverge", "checkpoints", "000003")}; nothing after it was written", e.Message);
        var checkpoints = Path.Combine(_dir, "diverge", "checkpoints");
        Assert.Equal(["000003", "last"], Directory.GetFileSystemEntries(checkpoints).Select(Path.GetFileName).Order());
        Assert.Equal("000003", new DirectoryInfo(Path.Combine(checkpoints, "last")).LinkTarget);
        Assert.Equal(good, File.ReadAllBytes(Path.Combine(checkpoints, "000003", "pretrained_model", "model.safetensors")));
    }

    [Fact]
    public void A_resume_runs_to_the_saved_steps_and_refuses_steps_the_run_has_passed_saying_where_it_is()
    {
        torch.set_num_threads(1);
        new PolicyTrainer(_ => { }).Run(SmallSac(), Dataset(), Options("crashed", 6) with { LogFreq = 2 });
        // What a crash after the step-3 checkpoint leaves: checkpoint 3, and last pointing at it.
        var checkpoints = Path.Combine(_dir, "crashed", "checkpoints");
        Directory.Delete(Path.Combine(checkpoints, "000006"), recursive: true);
        File.Delete(Path.Combine(checkpoints, "last"));
        File.CreateSymbolicLink(Path.Combine(checkpoints, "last"), "000003");

        // No --steps: the run's own 6 (not the 100000 default), and its log_freq.
        var log = new List<string>();
        var result = new PolicyTrainer(log.Add).Run(null, Dataset(), new TrainOptions { OutputDir = Path.Combine(_dir, "crashed"), Resume = true });
        Assert.Equal(6, result.Step);
        Assert.Contains(log, l => l.StartsWith("Resuming from") && l.Contains("steps 6, log_freq 2, save_freq 3"));
        Assert.Contains(log, l => l.Contains("step 4/6"));

        var done = Assert.Throws<TrainSettingsException>(() => new PolicyTrainer(_ => { }).Run(null, Dataset(),
            new TrainOptions { OutputDir = Path.Combine(_dir, "crashed"), Resume = true }));
        Assert.Contains($"nothing to resume: the run in {Path.Combine(_dir, "crashed")} is at step 6 of 6", done.Message);
        var passed = Assert.Throws<TrainSettingsException>(() => new PolicyTrainer(_ => { }).Run(null, Dataset(),
            new TrainOptions { OutputDir = Path.Combine(_dir, "crashed"), Resume = true, Steps = 2, ResumeOverrides = new HashSet<string> { "steps" } }));
        Assert.StartsWith($"--steps 2 does not go beyond the checkpoint: the run in {Path.Combine(_dir, "crashed")} is at step 6 of 6", passed.Message);
        Assert.Equal(["000003", "000006", "last"], Directory.GetFileSystemEntries(checkpoints).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Starting_over_existing_checkpoints_without_resume_is_refused_and_loses_nothing()
    {
        new PolicyTrainer(_ => { }).Run(SmallSac(), Dataset(), Options("run", 3));
        var before = File.ReadAllBytes(Path.Combine(_dir, "run", "checkpoints", "000003", "pretrained_model", "model.safetensors"));
        var e = Assert.Throws<InvalidOperationException>(() => new PolicyTrainer(_ => { }).Run(SmallSac(), Dataset(), Options("run", 3)));
        Assert.Contains("--resume", e.Message);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(_dir, "run", "checkpoints", "000003", "pretrained_model", "model.safetensors")));
    }

    [Fact]
    public void Transitions_from_a_dataset_end_each_episode_with_a_terminal_step_on_the_same_frame()
    {
        var dataset = Dataset();
        var batch = TransitionBatches.Get(dataset, [0, 19, 20, 59]);
        var done = batch[PolicyKeys.Done].data<float>().ToArray();
        Assert.Equal(new[] { 0f, 1f, 0f, 1f }, done);
        var all = dataset.GetBatch([1, 19, 21, 59])[PolicyKeys.ObservationState];
        var next = batch["next.observation.state"];
        Assert.Equal(all[0].data<float>().ToArray(), next[0].data<float>().ToArray());
        Assert.Equal(all[1].data<float>().ToArray(), next[1].data<float>().ToArray());
        Assert.Equal(all[2].data<float>().ToArray(), next[2].data<float>().ToArray());
    }

    [Fact]
    public void Fine_tuning_starts_from_the_pretrained_weights_and_a_dataset_with_other_shapes_is_refused_by_name()
    {
        torch.set_num_threads(1);
        var log = new List<string>();
        new PolicyTrainer(log.Add).Run(SmallSac(), Dataset(), Options("base", 3));
        var pretrained = Path.Combine(_dir, "base", Checkpoints.CheckpointsDir, Checkpoints.LastLink, Checkpoints.PretrainedModelDir);

        // A rate too small to move a weight visibly in one step (rates must be > 0): the actor stays at the pretrained weights.
        var config = PreTrainedConfig.LoadForFineTuning(pretrained, new Dictionary<string, string> { ["actor_lr"] = "1e-12" });
        Assert.Equal(Path.GetFullPath(pretrained), config.PretrainedPath);
        // The dataset also has a camera the state-only checkpoint cannot use: said once, at the start.
        new PolicyTrainer(log.Add).Run(config, Dataset(withCamera: true), Options("tuned", 1));
        Assert.Contains(log, line => line.StartsWith("Fine-tuning from", StringComparison.Ordinal));
        Assert.Single(log, line => line == "note: the policy does not use these dataset features: observation.images.front (its input_features: observation.state)");
        var before = SafeTensorsFile.Read(Path.Combine(pretrained, "model.safetensors")).Tensors;
        var after = SafeTensorsFile.Read(Path.Combine(_dir, "tuned", Checkpoints.CheckpointsDir, Checkpoints.LastLink, Checkpoints.PretrainedModelDir, "model.safetensors")).Tensors;
        // The actor's own layers (actor_lr = 0); the shared encoder saved under actor.encoder is trained by the critic.
        var actor = before.Keys.Where(k => k.StartsWith("actor.", StringComparison.Ordinal) && !k.StartsWith("actor.encoder.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(actor);
        Assert.All(actor, k => Assert.True(MaxDifference(before[k], after[k]) < 1e-6, $"'{k}' is not the pretrained tensor"));

        var wider = Dataset(stateDim: 5);
        var e = Assert.Throws<PolicyConfigException>(() => new PolicyTrainer(log.Add).Run(PreTrainedConfig.LoadForFineTuning(pretrained), wider, Options("wider", 1)));
        Assert.Contains("observation.state is [3] in the policy but [5] in the dataset", e.Message);
    }

    private static double MaxDifference(SafeTensor a, SafeTensor b) =>
        a.ToFloats().Zip(b.ToFloats(), (x, y) => (double)Math.Abs(x - y)).DefaultIfEmpty(0).Max();
}
