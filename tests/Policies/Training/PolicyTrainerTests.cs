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

    /// <summary>Three episodes of 20 frames: a state (3-D unless asked), a 2-D action and a reward on each episode's last frame.</summary>
    private static InMemoryPolicyDataset Dataset(int stateDim = 3)
    {
        torch.manual_seed(0);
        const int frames = 60;
        var episode = torch.tensor(Enumerable.Range(0, frames).Select(i => (long)(i / 20)).ToArray());
        var reward = torch.zeros(frames);
        foreach (var i in new[] { 19, 39, 59 }) reward[i] = 1;
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
        return new InMemoryPolicyDataset(features, stats, new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = torch.randn(frames, stateDim),
            [PolicyKeys.Action] = torch.rand(frames, 2) * 2 - 1,
            [PolicyKeys.Reward] = reward,
            [TransitionBatches.EpisodeIndexKey] = episode,
        });
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
        var resumed = new PolicyTrainer(resumeLog.Add).Run(null, Dataset(), Options("resumed", 6, resume: true) with { Seed = 99, BatchSize = 4 });
        Assert.Contains(resumeLog, l => l.StartsWith("Resuming from") && l.Contains("at step 3 (seed 7, batch 8"));
        Assert.Equal(6, resumed.Step);

        var a = SafeTensorsFile.Read(Path.Combine(checkpoint, "pretrained_model/model.safetensors"));
        var b = SafeTensorsFile.Read(Path.Combine(_dir, "resumed", "checkpoints", "000006", "pretrained_model/model.safetensors"));
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        foreach (var key in a.Tensors.Keys) Assert.True(a.Tensors[key].Data.SequenceEqual(b.Tensors[key].Data), $"'{key}' differs after resume");
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

        var config = PreTrainedConfig.LoadForFineTuning(pretrained, new Dictionary<string, string> { ["actor_lr"] = "0" });
        Assert.Equal(Path.GetFullPath(pretrained), config.PretrainedPath);
        new PolicyTrainer(log.Add).Run(config, Dataset(), Options("tuned", 1));
        Assert.Contains(log, line => line.StartsWith("Fine-tuning from", StringComparison.Ordinal));
        var before = SafeTensorsFile.Read(Path.Combine(pretrained, "model.safetensors")).Tensors;
        var after = SafeTensorsFile.Read(Path.Combine(_dir, "tuned", Checkpoints.CheckpointsDir, Checkpoints.LastLink, Checkpoints.PretrainedModelDir, "model.safetensors")).Tensors;
        // The actor's own layers (actor_lr = 0); the shared encoder saved under actor.encoder is trained by the critic.
        var actor = before.Keys.Where(k => k.StartsWith("actor.", StringComparison.Ordinal) && !k.StartsWith("actor.encoder.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(actor);
        Assert.All(actor, k => Assert.True(before[k].Data.SequenceEqual(after[k].Data), $"'{k}' is not the pretrained tensor"));

        var wider = Dataset(stateDim: 5);
        var e = Assert.Throws<PolicyConfigException>(() => new PolicyTrainer(log.Add).Run(PreTrainedConfig.LoadForFineTuning(pretrained), wider, Options("wider", 1)));
        Assert.Contains("observation.state is [3] in the policy but [5] in the dataset", e.Message);
    }
}
