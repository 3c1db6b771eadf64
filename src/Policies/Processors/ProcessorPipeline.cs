using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RobotActors.Policies.Configs;
using RobotActors.Policies.SafeTensors;
using static TorchSharp.torch;

namespace RobotActors.Policies.Processors;

/// <summary>
/// An ordered list of steps run on a transition (LeRobot's DataProcessorPipeline), saved as
/// "&lt;name&gt;.json" plus one "&lt;name&gt;_step_&lt;i&gt;_&lt;registry_name&gt;.safetensors" per stateful step.
/// </summary>
public sealed partial class ProcessorPipeline(string name, IEnumerable<IProcessorStep> steps)
{
    public const string PreprocessorName = "policy_preprocessor";
    public const string PostprocessorName = "policy_postprocessor";

    public string Name { get; } = name;
    public List<IProcessorStep> Steps { get; } = steps.ToList();

    public EnvTransition Process(EnvTransition transition)
    {
        foreach (var step in Steps) transition = step.Process(transition);
        return transition;
    }

    /// <summary>Runs a batch dict through the steps (batch_to_transition, steps, transition_to_batch).</summary>
    public Dictionary<string, Tensor> ProcessBatch(IReadOnlyDictionary<string, Tensor> batch) =>
        Process(EnvTransition.FromBatch(batch)).ToBatch();

    /// <summary>Runs a policy action through the steps, as the postprocessor is called.</summary>
    public Tensor ProcessAction(Tensor action) =>
        Process(new EnvTransition { Action = action }).Action
            ?? throw new InvalidOperationException($"pipeline '{Name}' dropped the action");

    public Dictionary<string, Tensor> ProcessObservation(IReadOnlyDictionary<string, Tensor> observation) =>
        Process(new EnvTransition { Observation = new Dictionary<string, Tensor>(observation) }).Observation;

    public Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> TransformFeatures(
        Dictionary<PipelineFeatureType, Dictionary<string, PolicyFeature>> features)
    {
        foreach (var step in Steps) features = step.TransformFeatures(features);
        return features;
    }

    public void Reset()
    {
        foreach (var step in Steps) step.Reset();
    }

    public T Step<T>() where T : IProcessorStep => Steps.OfType<T>().FirstOrDefault()
        ?? throw new InvalidOperationException($"pipeline '{Name}' has no {typeof(T).Name}");

    public static string Sanitize(string name) => NonWordCharacters().Replace(name.ToLowerInvariant(), "_");

    public string ConfigFileName => Sanitize(Name) + ".json";

    public string StateFileName(int index) => $"{Sanitize(Name)}_step_{index}_{ProcessorStepRegistry.NameOf(Steps[index])}.safetensors";

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var steps = new JsonArray();
        for (var i = 0; i < Steps.Count; i++)
        {
            var entry = new JsonObject
            {
                ["registry_name"] = ProcessorStepRegistry.NameOf(Steps[i]),
                ["config"] = Steps[i].GetConfig(),
            };
            var state = Steps[i].StateDict();
            if (state.Count > 0)
            {
                var file = StateFileName(i);
                TorchSafeTensors.Save(state, Path.Combine(directory, file));
                entry["state_file"] = file;
            }
            steps.Add(entry);
        }
        var json = new JsonObject { ["name"] = Name, ["steps"] = steps };
        var path = Path.Combine(directory, ConfigFileName);
        var temp = path + ".tmp";
        File.WriteAllText(temp, json.ToJsonString(ConfigJson.Options));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Loads a saved pipeline. Overrides are keyed by registry name and merged over the saved config;
    /// an override that names no step is an error, as in LeRobot.
    /// </summary>
    public static ProcessorPipeline Load(string directory, string configFileName,
        IReadOnlyDictionary<string, JsonObject>? overrides = null)
    {
        var path = Path.Combine(directory, configFileName);
        if (!File.Exists(path))
        {
            var hint = File.Exists(Path.Combine(directory, "model.safetensors"))
                ? " (a model saved without processor files predates processor pipelines; re-save it with its dataset stats)"
                : "";
            throw new FileNotFoundException($"{path} not found{hint}", path);
        }
        var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
        if (root?["steps"] is not JsonArray stepNodes)
            throw new InvalidDataException($"{path}: expected an object with a \"steps\" list");
        var used = new HashSet<string>();
        var steps = new List<IProcessorStep>();
        foreach (var node in stepNodes)
        {
            var registryName = node?["registry_name"]?.GetValue<string>()
                ?? throw new InvalidDataException($"{path}: every step needs a \"registry_name\" (class-path steps are Python-only)");
            var config = (node!["config"] as JsonObject)?.DeepClone().AsObject() ?? new JsonObject();
            if (overrides?.TryGetValue(registryName, out var o) == true)
            {
                foreach (var (k, v) in o) config[k] = v?.DeepClone();
                used.Add(registryName);
            }
            var step = ProcessorStepRegistry.Create(registryName, config);
            if (node["state_file"]?.GetValue<string>() is { } stateFile)
            {
                if (Path.IsPathRooted(stateFile) || stateFile.Contains(".."))
                    throw new InvalidDataException($"{path}: state_file '{stateFile}' must be a plain file name in the same folder");
                step.LoadStateDict(TorchSafeTensors.Load(Path.Combine(directory, stateFile)));
            }
            steps.Add(step);
        }
        if (overrides is not null && overrides.Keys.Except(used).ToList() is { Count: > 0 } unused)
            throw new KeyNotFoundException($"{path}: overrides for {string.Join(", ", unused)} match no step; steps are {string.Join(", ", steps.Select(ProcessorStepRegistry.NameOf))}");
        return new ProcessorPipeline(root["name"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(configFileName), steps);
    }

    [GeneratedRegex("[^a-zA-Z0-9_]")]
    private static partial Regex NonWordCharacters();
}
