using System.Text.Json.Nodes;
using RobotActors.Actors.Hosting;

namespace RobotActors.Actors.Tests.Control;

/// <summary>A small state-only HIL-SERL train config for the simulated workcell, made from the shipped sim example, and a node that runs it.</summary>
internal static class SessionConfigs
{
    /// <summary>A node with both roles and one simulated robot whose sessions run <paramref name="configPath"/> (default: <see cref="WritePushState"/>) in lockstep.</summary>
    public static Task<RobotActorsNode> StartSimNodeAsync(string dir, string robot, string? configPath = null, string extra = "") =>
        StartSimNodeAsync(dir, [robot], configPath, extra);

    /// <summary>The same with several simulated robots on the node, each with its own workcell and session.</summary>
    public static Task<RobotActorsNode> StartSimNodeAsync(string dir, IReadOnlyList<string> robots, string? configPath = null, string extra = "")
    {
        var config = (configPath ?? WritePushState(dir)).Replace("\\", "/");
        var list = string.Join(", ", robots.Select(r => $$"""{ id = "{{r}}", type = "so101_follower", port = "sim" }"""));
        return Transitions.LoopbackCluster.StartAsync(Path.Combine(dir, "data"), "\"robot\", \"learner\"", extra: $$"""
            robotactors.robots = [{{list}}]
            robotactors.hilserl.config-path = "{{config}}"
            robotactors.control.sim-clock = "lockstep"
            {{extra}}
            """);
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RobotActors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("RobotActors.sln not found above the test folder");
    }

    /// <param name="controlTimeS">Each episode's limit; short episodes make many episodes in a short test.</param>
    public static string WritePushState(string dir, double controlTimeS = 3, int onlineStepBeforeLearning = 40)
    {
        var root = RepositoryRoot();
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "examples", "hilserl", "train_config_hilserl_so101_sim.json")))!.AsObject();
        config["dataset"] = null;
        config["batch_size"] = 16;
        config["output_dir"] = Path.Combine(dir, "learner-out");
        var policy = config["policy"]!.AsObject();
        policy["input_features"] = new JsonObject { ["observation.state"] = new JsonObject { ["type"] = "STATE", ["shape"] = new JsonArray(15) } };
        policy["output_features"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "ACTION", ["shape"] = new JsonArray(3) } };
        policy["normalization_mapping"]!["STATE"] = "IDENTITY";
        policy["dataset_stats"] = new JsonObject { ["action"] = new JsonObject { ["min"] = new JsonArray(-1, -1, -1), ["max"] = new JsonArray(1, 1, 1) } };
        policy["online_step_before_learning"] = onlineStepBeforeLearning;
        policy["latent_dim"] = 32;
        var env = config["env"]!.AsObject();
        env["task"] = "push_cube";
        env["robot"]!["cameras"] = new JsonObject();
        env["teleop"]!["intervention"] = "automatic";
        var processor = env["processor"]!.AsObject();
        processor["image_preprocessing"] = new JsonObject { ["crop_params_dict"] = null, ["resize_size"] = null };
        processor["reset"]!["control_time_s"] = controlTimeS;
        processor["inverse_kinematics"]!["urdf_path"] = Path.Combine(root, "models", "so101.urdf");
        var path = Path.Combine(dir, "push_state.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }
}
