using System.Globalization;
using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.RewardClassifier;
using RobotActors.Policies.SafeTensors;
using RobotActors.Rl.Algorithms;
using RobotActors.Rl.Algorithms.Sac;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Rl.Tests.Compatibility;

/// <summary>Pretrained folders saved by RobotActors 0.1 (Fixtures/robotactors-0.1, see its README) still load, or are converted.</summary>
public class LegacyCheckpointTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "robotactors-0.1");
    private readonly string _dir = Directory.CreateTempSubdirectory("legacy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Copy(string name)
    {
        var target = Path.Combine(_dir, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures, name))) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    private static float[] Expected(string folder, string file) =>
        File.ReadAllText(Path.Combine(folder, file)).Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    private static float[] Act(string folder, Dictionary<string, Tensor> observation)
    {
        var (policy, pre, post) = PolicyFactory.LoadPretrained(folder);
        var sac = Assert.IsType<SacPolicy>(policy);
        sac.DeterministicActions = true;
        return post!.ProcessAction(sac.SelectAction(pre!.ProcessBatch(observation))).data<float>().ToArray();
    }

    [Fact]
    public void A_sac_folder_without_a_gripper_loads_as_it_is_and_acts_as_it_did()
    {
        var folder = Copy("sac_state");
        Assert.Contains("actor._meanLayer.weight", SafeTensorsFile.Read(Path.Combine(folder, "model.safetensors")).Tensors.Keys);
        var action = Act(folder, new()
        {
            [PolicyKeys.ObservationState] = torch.tensor(new[] { 0.2f, 1.0f, 2.5f }),
            [PolicyKeys.ObservationEnvironmentState] = torch.tensor(new[] { 0.3f, 0.7f }),
        });
        Assert.Equal(Expected(folder, "expected_action.txt"), action);
    }

    [Fact]
    public void A_sac_folder_with_a_gripper_is_refused_with_the_command_that_converts_it_and_acts_as_it_did_after()
    {
        var folder = Copy("sac_gripper");
        var observation = new Dictionary<string, Tensor>
        {
            [PolicyKeys.ObservationState] = torch.tensor(new[] { 0.2f, 1.0f, 2.5f }),
            ["observation.images.top"] = torch.linspace(0, 1, 3 * 40 * 40).reshape(3, 40, 40),
        };
        var e = Assert.Throws<InvalidDataException>(() => Act(folder, observation));
        Assert.Contains("robotactors policies upgrade", e.Message);

        var report = LegacyCheckpoints.Upgrade(folder);
        Assert.Contains("output_features.action.shape [3] → [2]", report);
        var keys = SafeTensorsFile.Read(Path.Combine(folder, "model.safetensors")).Tensors.Keys.ToList();
        Assert.DoesNotContain(keys, k => k.Split('.').Any(p => p.StartsWith('_')));
        Assert.Contains("actor.encoder.image_encoder.image_enc_layers.0.weight", keys);
        Assert.Contains("critic_ensemble.critics.1.output_layer.weight", keys);
        Assert.Contains("discrete_critic.output_layer.weight", keys);
        Assert.Equal(Expected(folder, "expected_action.txt"), Act(folder, observation));
        Assert.Contains("already in LeRobot's layout", LegacyCheckpoints.Upgrade(folder));
    }

    [Fact]
    public void A_reward_classifier_folder_loads_as_it_is_and_gives_the_same_logits()
    {
        var folder = Copy("reward_classifier");
        var (policy, pre, _) = PolicyFactory.LoadPretrained(folder);
        var classifier = Assert.IsType<RewardClassifierPolicy>(policy);
        var logits = classifier.Logits(pre!.ProcessBatch(new Dictionary<string, Tensor>
        {
            ["observation.images.front"] = torch.linspace(0, 1, 4800).reshape(3, 40, 40),
            ["observation.images.side"] = torch.linspace(1, 0, 4800).reshape(3, 40, 40),
        }));
        Assert.Equal(Expected(folder, "expected_logits.txt"), logits.data<float>().ToArray());
        Assert.Contains("model.safetensors", LegacyCheckpoints.Upgrade(folder));
        Assert.Contains("encoders.observation_images_front.1.kernel", SafeTensorsFile.Read(Path.Combine(folder, "model.safetensors")).Tensors.Keys);
    }
}
