using System.Text.Json.Nodes;
using RobotActors.Datasets.Writing;
using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.RewardClassifier;
using RobotActors.Policies.SafeTensors;
using RobotActors.Rl.Algorithms.Sac;

namespace RobotActors.Rl.Algorithms;

/// <summary>
/// `robotactors policies upgrade &lt;folder&gt;`: rewrites a pretrained folder saved by RobotActors 0.1 (sac or
/// reward_classifier) in LeRobot's layout — model.safetensors with LeRobot's keys and each tensor once, and
/// for sac with a gripper a config.json whose output_features.action counts the continuous dimensions only
/// (0.1 counted the gripper index there). Each file is replaced atomically; processor files are unchanged.
/// </summary>
public static class LegacyCheckpoints
{
    public static string Upgrade(string folder)
    {
        var configPath = Path.Combine(folder, PreTrainedConfig.ConfigFileName);
        var modelPath = Path.Combine(folder, PreTrainedPolicy.ModelFileName);
        foreach (var path in new[] { configPath, modelPath })
            if (!File.Exists(path)) throw new FileNotFoundException($"{path} not found; a pretrained policy folder holds config.json and model.safetensors", path);
        var config = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject ?? throw new InvalidDataException($"{configPath} is not a JSON object");
        var type = config["type"]?.GetValue<string>() ?? throw new InvalidDataException($"{configPath} has no 'type'");
        var model = SafeTensorsFile.Read(modelPath);
        Dictionary<string, SafeTensor> tensors;
        var changes = new List<string>();
        switch (type)
        {
            case "sac" when LegacySacLayout.IsLegacy(model.Tensors.Keys):
                var gripper = (int?)config["num_discrete_actions"] is > 0;
                tensors = LegacySacLayout.Convert(model.Tensors, gripper ? "discrete_critic.encoder." : "encoder_critic.");
                if (gripper && config["output_features"]?["action"]?["shape"] is JsonArray shape && shape.Count == 1)
                {
                    var old = shape[0]!.GetValue<int>();
                    shape[0] = old - 1;
                    changes.Add($"output_features.action.shape [{old}] → [{old - 1}] (the gripper index is not counted)");
                }
                foreach (var computed in new[] { "continuous_action_dim", "effective_target_entropy" })
                    if (config.Remove(computed)) changes.Add($"{computed} removed (computed, not a LeRobot field)");
                if (config["actor_network_kwargs"] is JsonObject actor && actor.ContainsKey("final_activation") && actor["final_activation"] is null)
                {
                    actor.Remove("final_activation");
                    changes.Add("actor_network_kwargs.final_activation removed (LeRobot's actor has none)");
                }
                break;
            case "reward_classifier" when RewardClassifierPolicy.IsLegacy(model.Tensors.Keys):
                tensors = RewardClassifierPolicy.ConvertLegacy(model.Tensors);
                if (config.Remove("is_binary")) changes.Add("is_binary removed (computed, not a LeRobot field)");
                break;
            case "sac" or "reward_classifier":
                return $"{folder} is already in LeRobot's layout; nothing to do";
            default:
                return $"{folder} holds a '{type}' policy; only sac and reward_classifier folders from RobotActors 0.1 need upgrading";
        }
        var file = new SafeTensorsFile();
        foreach (var (k, v) in tensors) file.Tensors[k] = v;
        foreach (var (k, v) in model.Metadata) file.Metadata[k] = v;
        var bytes = file.ToBytes();
        AtomicFile.Write(modelPath, s => s.Write(bytes));
        AtomicFile.WriteAllText(configPath, config.ToJsonString(ConfigJson.Options));
        changes.Insert(0, $"model.safetensors: {model.Tensors.Count} tensors → {tensors.Count} under LeRobot's keys");
        return $"upgraded {folder}: " + string.Join("; ", changes);
    }
}
