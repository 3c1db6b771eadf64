using System.Text.Json;
using System.Text.Json.Nodes;

namespace RobotActors.Policies.Training;

/// <summary>
/// The settings of a resumed run: LeRobot's resume reads the run's train_config.json, so the run keeps its
/// length, logging and checkpoint frequencies and dataset unless the command line says otherwise
/// (<see cref="TrainOptions.ResumeOverrides"/>). Seed and batch size always stay: the batches after a resume
/// must be the ones the uninterrupted run would have drawn.
/// </summary>
public static class TrainResume
{
    public sealed record Resumed(TrainOptions Options, string Checkpoint, long Step);

    public static Resumed Resolve(TrainOptions given)
    {
        var last = Checkpoints.Last(given.OutputDir)
            ?? throw new InvalidOperationException($"--resume was given but {Path.Combine(given.OutputDir, Checkpoints.CheckpointsDir, Checkpoints.LastLink)} does not exist");
        var file = Path.Combine(last, Checkpoints.PretrainedModelDir, Checkpoints.TrainConfigFile);
        JsonNode saved;
        try
        {
            saved = JsonNode.Parse(File.ReadAllText(file)) ?? throw new InvalidDataException($"{file} is empty");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{file} is not valid JSON ({e.Message}); the run cannot be resumed from it");
        }
        var step = Checkpoints.ReadStep(last);

        T Setting<T>(string name, T value) =>
            given.ResumeOverrides.Contains(name) || saved[name] is null ? value : saved[name]!.GetValue<T>();
        foreach (var (name, value) in new[] { ("batch_size", (long)given.BatchSize), ("seed", given.Seed) })
            if (given.ResumeOverrides.Contains(name) && saved[name] is { } kept && kept.GetValue<long>() != value)
                throw new TrainSettingsException($"--{name} {value} differs from the run's {kept.GetValue<long>()} ({file}); a resumed run keeps its " +
                                                 "seed and batch size so it draws the batches the uninterrupted run would. Leave --" + name + " out, or start a new --output_dir");

        var options = given with
        {
            Steps = Setting("steps", given.Steps),
            LogFreq = Setting("log_freq", given.LogFreq),
            SaveFreq = Setting("save_freq", given.SaveFreq),
            Seed = saved["seed"]?.GetValue<int>() ?? given.Seed,
            BatchSize = saved["batch_size"]?.GetValue<int>() ?? given.BatchSize,
            DatasetRoot = given.DatasetRoot ?? saved["dataset"]?["root"]?.GetValue<string>(),
            DatasetRepoId = given.DatasetRepoId ?? saved["dataset"]?["repo_id"]?.GetValue<string>(),
            Ema = given.ResumeOverrides.Contains("ema") || saved["ema"] is not JsonObject ema
                ? given.Ema
                : ema.Deserialize<EmaConfig>(Configs.ConfigJson.Options) ?? given.Ema,
        };
        var savedSteps = saved["steps"]?.GetValue<long>();
        var where = $"the run in {given.OutputDir} is at step {step}{(savedSteps is { } total ? $" of {total}" : "")} ({Checkpoints.Resolve(last)})";
        if (options.Steps <= step)
            throw new TrainSettingsException(given.ResumeOverrides.Contains("steps")
                ? $"--steps {options.Steps} does not go beyond the checkpoint: {where}. Leave --steps out to finish the run, or give --steps above {step} to extend it"
                : $"nothing to resume: {where}, which is the end of the run. Give --steps above {step} to train further");
        return new Resumed(options, last, step);
    }
}
