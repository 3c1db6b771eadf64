using RobotActors.Policies.Configs;
using RobotActors.Policies.SafeTensors;
using RobotActors.Policies.Training;
using TorchSharp;

namespace RobotActors.Policies.Tests.Training;

public class EmaTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ema-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_decay_copies_first_then_warms_up_as_diffusers_ema_model_within_its_clamp()
    {
        var ema = new EmaConfig { Enable = true, UpdateAfterStep = 2 };
        Assert.Equal(0.0, ema.DecayAt(1));
        Assert.Equal(0.0, ema.DecayAt(3));
        Assert.Equal(1 - Math.Pow(1 + 1, -0.75), ema.DecayAt(4), 12);
        Assert.Equal(0.9999, ema.DecayAt(100_000_000));
        Assert.Equal(0.99, (ema with { Decay = 0.99 }).DecayAt(10));
        Assert.Throws<PolicyConfigException>(() => (ema with { Decay = 0.99, MaxDecay = 0.5 }).Validate());
    }

    private TrainOptions Options(string name, long steps, bool resume = false) => new()
    {
        OutputDir = Path.Combine(_dir, name), Steps = steps, BatchSize = 4, SaveFreq = 2, LogFreq = 1, Seed = 11, Resume = resume,
        Ema = new EmaConfig { Enable = true, InvGamma = 0.5 },
    };

    [Fact]
    public void Checkpoints_hold_the_average_as_the_pretrained_model_and_a_resumed_run_continues_it_bit_for_bit()
    {
        torch.set_num_threads(1);
        var straight = new PolicyTrainer(_ => { }).Run(PreTrainedConfig.Create("act", TwoEpisodes.TinyAct()), TwoEpisodes.Dataset(), Options("straight", 4));
        var checkpoint = straight.LastCheckpoint!;
        var model = SafeTensorsFile.Read(Path.Combine(checkpoint, "pretrained_model", "model.safetensors"));
        var shadow = SafeTensorsFile.Read(Path.Combine(checkpoint, "training_state", EmaWeights.ShadowFile));
        var live = SafeTensorsFile.Read(Path.Combine(checkpoint, "training_state", EmaWeights.LiveFile));
        const string key = "model.action_head.weight";
        Assert.Equal(shadow.Tensors[key].Data, model.Tensors[key].Data);
        Assert.NotEqual(live.Tensors[key].Data, model.Tensors[key].Data);

        new PolicyTrainer(_ => { }).Run(PreTrainedConfig.Create("act", TwoEpisodes.TinyAct()), TwoEpisodes.Dataset(), Options("resumed", 2));
        var resumed = new PolicyTrainer(_ => { }).Run(null, TwoEpisodes.Dataset(), Options("resumed", 4, resume: true) with { ResumeOverrides = new HashSet<string> { "steps" } });
        foreach (var file in new[] { "pretrained_model/model.safetensors", $"training_state/{EmaWeights.LiveFile}", $"training_state/{EmaWeights.ShadowFile}" })
        {
            var a = SafeTensorsFile.Read(Path.Combine(checkpoint, file));
            var b = SafeTensorsFile.Read(Path.Combine(resumed.LastCheckpoint!, file));
            foreach (var (name, tensor) in a.Tensors) Assert.True(tensor.Data.SequenceEqual(b.Tensors[name].Data), $"{file} '{name}' differs after resume");
        }
    }
}
