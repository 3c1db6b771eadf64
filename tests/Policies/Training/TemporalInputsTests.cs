using RobotActors.Policies.Act;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using RobotActors.Policies.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Training;

public class TemporalInputsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("temporal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Delta_indices_come_from_the_policy_and_stack_frames_clamped_to_the_episode_with_padding_masks()
    {
        var deltas = DeltaIndices.For(new ActConfig { ChunkSize = 4 }, TwoEpisodes.Dataset().Features.Keys);
        Assert.Equal(new[] { PolicyKeys.Action }, deltas.Keys);
        Assert.Equal(new[] { 0, 1, 2, 3 }, deltas[PolicyKeys.Action]);

        var batch = TwoEpisodes.Dataset().GetBatch([4, 8], new Dictionary<string, int[]> { [PolicyKeys.Action] = [-1, 0, 1, 2] });
        Assert.Equal(new long[] { 2, 4, 2 }, batch[PolicyKeys.Action].shape);
        Assert.Equal(new long[] { 2, 2 }, batch[PolicyKeys.ObservationState].shape);
        // Frame 4 of episode 0 (frames 0-5): 3, 4, 5, then 5 again past the end. Frame 8 of episode 1 (6-9): 7, 8, 9, 9.
        Assert.Equal(new float[] { 3, 4, 5, 5, 7, 8, 9, 9 }, batch[PolicyKeys.Action][.., .., 0].flatten().data<float>().ToArray());
        Assert.Equal(new[] { false, false, false, true, false, false, false, true }, batch["action_is_pad"].flatten().data<bool>().ToArray());
        var start = TwoEpisodes.Dataset().GetBatch([6], new Dictionary<string, int[]> { [PolicyKeys.Action] = [-2, -1, 0] });
        Assert.Equal(new[] { true, true, false }, start["action_is_pad"].flatten().data<bool>().ToArray());
        Assert.Equal(new float[] { 6, 6, 6 }, start[PolicyKeys.Action][0, .., 0].data<float>().ToArray());
    }

    [Fact]
    public void The_padding_mask_reaches_the_loss_through_the_trainers_batches()
    {
        torch.manual_seed(5);
        var config = new ActConfig
        {
            ChunkSize = 4, NActionSteps = 4, DimModel = 16, NHeads = 2, DimFeedforward = 32, NEncoderLayers = 1,
            NVaeEncoderLayers = 1, LatentDim = 4, UseVae = false, Dropout = 0, PretrainedBackboneWeights = null,
        };
        var dataset = TwoEpisodes.Dataset();
        var (policy, pre, _) = PolicyFactory.Make(config, dataset.Features, dataset.Stats);
        policy.train();
        var sampler = new FrameSampler(dataset, DeltaIndices.For(config, dataset.Features.Keys));
        // Frame 4's chunk runs one step past its episode, frame 1's does not.
        var batch = TrainingBatches.Make(policy, pre, dataset, sampler.DeltaIndices, [4, 1]);
        Assert.Equal(new[] { false, false, true, true, false, false, false, false }, batch["action_is_pad"].flatten().data<bool>().ToArray());
        var loss = policy.Forward(batch).Loss.item<float>();

        // What sits in padded steps must not matter to the loss; what sits in real steps must.
        var padded = new Dictionary<string, Tensor>(batch) { [PolicyKeys.Action] = batch[PolicyKeys.Action].clone() };
        padded[PolicyKeys.Action][0, 2..] = torch.tensor(1000f);
        Assert.Equal(loss, policy.Forward(padded).Loss.item<float>(), 5);
        var real = new Dictionary<string, Tensor>(batch) { [PolicyKeys.Action] = batch[PolicyKeys.Action].clone() };
        real[PolicyKeys.Action][1, 2..] = torch.tensor(1000f);
        Assert.True(policy.Forward(real).Loss.item<float>() > loss + 100);
    }

    [Fact]
    public void A_policy_that_drops_the_last_frames_of_each_episode_never_trains_on_them()
    {
        var sampler = new FrameSampler(TwoEpisodes.Dataset(), new Dictionary<string, int[]>(), dropLastFrames: 3);
        Assert.Equal(4, sampler.Count);
        var drawn = sampler.Draw(200, new Random(1)).Distinct().Order().ToArray();
        Assert.Equal(new[] { 0, 1, 2, 6 }, drawn);
        Assert.Throws<ArgumentException>(() => new FrameSampler(TwoEpisodes.Dataset(), new Dictionary<string, int[]>(), dropLastFrames: 6));
    }

    [Fact]
    public void Dropping_most_of_the_frames_of_short_episodes_is_warned_about()
    {
        // Diffusion's default drop_n_last_frames=7 on 8-frame scripted reaches left 1 frame per episode to train on.
        Assert.Null(new FrameSampler(TwoEpisodes.Dataset(), new Dictionary<string, int[]>(), dropLastFrames: 2).Warning);
        var sampler = new FrameSampler(TwoEpisodes.Dataset(), new Dictionary<string, int[]>(), dropLastFrames: 3);
        Assert.Contains("drop_n_last_frames=3 leaves 4 of the dataset's 10 frames", sampler.Warning);
        Assert.Contains("--policy.drop_n_last_frames", sampler.Warning);
        Assert.Null(new FrameSampler(TwoEpisodes.Dataset(), new Dictionary<string, int[]>()).Warning);
    }

    [Fact]
    public void The_trainer_trains_an_action_chunking_policy_end_to_end_and_checkpoints_it()
    {
        torch.set_num_threads(1);
        var config = PreTrainedConfig.Create("act", new Dictionary<string, string>
        {
            ["chunk_size"] = "4", ["n_action_steps"] = "2", ["dim_model"] = "16", ["n_heads"] = "2", ["dim_feedforward"] = "32",
            ["n_encoder_layers"] = "1", ["n_vae_encoder_layers"] = "1", ["latent_dim"] = "4", ["pretrained_backbone_weights"] = "null",
        });
        var log = new List<string>();
        var result = new PolicyTrainer(log.Add).Run(config, TwoEpisodes.Dataset(), new TrainOptions
        {
            OutputDir = Path.Combine(_dir, "act"), Steps = 3, BatchSize = 4, SaveFreq = 3, LogFreq = 1, Seed = 3,
        });
        Assert.Equal(3, result.Step);
        Assert.Contains(log, l => l.Contains("step 3/3") && l.Contains("l1_loss=") && l.Contains("kld_loss="));
        var (loaded, _, _) = PolicyFactory.LoadPretrained(Path.Combine(result.LastCheckpoint!, "pretrained_model"));
        Assert.IsType<ActPolicy>(loaded);
    }
}
