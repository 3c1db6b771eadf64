using System.Globalization;
using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Processors;
using RobotActors.Policies.SafeTensors;
using TorchSharp;

namespace RobotActors.Policies.Training;

/// <summary>
/// LeRobot's checkpoint layout: checkpoints/&lt;step, 6+ digits&gt;/{pretrained_model, training_state} and a
/// relative "last" symlink. A checkpoint is written under a temporary name and renamed into place, so a
/// crash leaves either the previous checkpoint or the new one, never half of one.
/// </summary>
public static class Checkpoints
{
    public const string CheckpointsDir = "checkpoints";
    public const string LastLink = "last";
    public const string PretrainedModelDir = "pretrained_model";
    public const string TrainingStateDir = "training_state";
    public const string TrainingStepFile = "training_step.json";
    public const string OptimizerStateFile = "optimizer_state.safetensors";
    public const string OptimizerParamGroupsFile = "optimizer_param_groups.json";
    public const string SchedulerStateFile = "scheduler_state.json";
    public const string RngStateFile = "rng_state.safetensors";
    public const string TrainConfigFile = "train_config.json";

    public static string StepName(long step, long totalSteps) =>
        step.ToString(CultureInfo.InvariantCulture).PadLeft(Math.Max(6, totalSteps.ToString(CultureInfo.InvariantCulture).Length), '0');

    /// <param name="ema">With an EMA of the weights: training_state keeps both the average and the live weights, and
    /// pretrained_model holds the average when <see cref="EmaConfig.UseForEval"/>.</param>
    public static string Save(string outputDir, long step, long totalSteps, PreTrainedPolicy policy, ProcessorPipeline pre,
        ProcessorPipeline post, OptimizerSet optimizers, JsonObject trainConfig, int seed, (EmaWeights Weights, EmaConfig Config)? ema = null) =>
        WriteAtomically(outputDir, StepName(step, totalSteps), temp =>
        {
            var model = Path.Combine(temp, PretrainedModelDir);
            policy.SavePretrained(model, pre, post, ema is { Config.UseForEval: true } e ? e.Weights.State : null);
            File.WriteAllText(Path.Combine(model, TrainConfigFile), trainConfig.ToJsonString(ConfigJson.Options));

            var state = Path.Combine(temp, TrainingStateDir);
            SaveTrainingState(state, step, optimizers);
            if (ema is { } average)
            {
                average.Weights.Save(Path.Combine(state, EmaWeights.ShadowFile));
                TorchSafeTensors.Save(policy.StateDict(), Path.Combine(state, EmaWeights.LiveFile));
            }
            // Every step reseeds from (seed, step), so the seed and step are the whole random state.
            TorchSafeTensors.Save(new Dictionary<string, torch.Tensor>
            {
                ["seed"] = torch.tensor((long)seed),
                ["step"] = torch.tensor(step),
            }, Path.Combine(state, RngStateFile));
        });

    /// <summary>training_state/: the step, every optimizer's state and param groups, the scheduler's epoch.</summary>
    public static void SaveTrainingState(string state, long step, OptimizerSet optimizers)
    {
        Directory.CreateDirectory(state);
        File.WriteAllText(Path.Combine(state, TrainingStepFile), new JsonObject { ["step"] = step }.ToJsonString());
        TorchSafeTensors.Save(optimizers.StateTensors(), Path.Combine(state, OptimizerStateFile));
        File.WriteAllText(Path.Combine(state, OptimizerParamGroupsFile), optimizers.ParamGroups().ToJsonString(ConfigJson.Options));
        File.WriteAllText(Path.Combine(state, SchedulerStateFile), new JsonObject { ["last_epoch"] = step }.ToJsonString());
    }

    /// <summary>
    /// Writes checkpoints/&lt;name&gt; through <paramref name="write"/> into a temporary folder, renames it into
    /// place (replacing an older one of the same name) and points "last" at it; returns its path.
    /// </summary>
    public static string WriteAtomically(string outputDir, string name, Action<string> write)
    {
        var root = Path.Combine(outputDir, CheckpointsDir);
        Directory.CreateDirectory(root);
        var temp = Path.Combine(root, $".tmp-{name}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temp);
            write(temp);
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }

        var final = Path.Combine(root, name);
        if (Directory.Exists(final))
        {
            var old = final + $".old-{Guid.NewGuid():N}";
            Directory.Move(final, old);
            Directory.Move(temp, final);
            Directory.Delete(old, recursive: true);
        }
        else Directory.Move(temp, final);
        PointLastAt(root, name);
        return final;
    }

    private static void PointLastAt(string root, string name)
    {
        var link = Path.Combine(root, LastLink);
        var tempLink = Path.Combine(root, $".tmp-last-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(tempLink, name);
        // rename(2) replaces the old link in one step (File.Move would follow the link to the directory).
        if (Rename(tempLink, link) != 0)
            throw new IOException($"could not point {link} at {name} (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(string oldPath, string newPath);

    public static string? Last(string outputDir)
    {
        var link = Path.Combine(outputDir, CheckpointsDir, LastLink);
        return Directory.Exists(link) ? link : null;
    }

    /// <summary>The step folder a checkpoint path (possibly the "last" link) stands for, as a full path.</summary>
    public static string Resolve(string checkpoint) =>
        new DirectoryInfo(checkpoint).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(checkpoint);

    public static long ReadStep(string checkpoint) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, TrainingStateDir, TrainingStepFile)))!["step"]!.GetValue<long>();

    public static void LoadOptimizerState(string checkpoint, OptimizerSet optimizers)
    {
        var state = Path.Combine(checkpoint, TrainingStateDir);
        var tensors = TorchSafeTensors.Load(Path.Combine(state, OptimizerStateFile));
        var groups = JsonNode.Parse(File.ReadAllText(Path.Combine(state, OptimizerParamGroupsFile)))!;
        optimizers.LoadState(tensors, groups);
    }
}
