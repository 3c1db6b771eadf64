using System.Text.Json.Nodes;

namespace RobotActors.Actors.Tests.Learner;

internal static class LearnerConfigs
{
    /// <summary>A tiny HIL-SERL train config for SessionSteps' steps: 6-wide state, 3 continuous actions + a gripper index.</summary>
    public static string Write(string dir, int saveFreq = 10, int onlineCapacity = 500, double actionMax0 = 5)
    {
        var path = Path.Combine(dir, "train_config.json");
        File.WriteAllText(path, new JsonObject
        {
            ["seed"] = 5,
            ["batch_size"] = 8,
            ["save_freq"] = saveFreq,
            ["policy"] = new JsonObject
            {
                ["type"] = "gaussian_actor",
                ["input_features"] = new JsonObject { ["observation.state"] = new JsonObject { ["type"] = "STATE", ["shape"] = new JsonArray(6) } },
                ["output_features"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "ACTION", ["shape"] = new JsonArray(3) } },
                ["num_discrete_actions"] = 3,
                ["latent_dim"] = 16,
                ["state_encoder_hidden_dim"] = 16,
                ["actor_network_kwargs"] = new JsonObject { ["hidden_dims"] = new JsonArray(16) },
                ["discrete_critic_network_kwargs"] = new JsonObject { ["hidden_dims"] = new JsonArray(16) },
                ["online_buffer_capacity"] = onlineCapacity,
                ["offline_buffer_capacity"] = 100,
                ["online_step_before_learning"] = 20,
                ["actor_learner_config"] = new JsonObject { ["policy_parameters_push_frequency"] = 0.3 },
                ["dataset_stats"] = new JsonObject
                {
                    ["observation.state"] = new JsonObject { ["min"] = new JsonArray(-3000, -1500, -3000, 0, 0, 0), ["max"] = new JsonArray(3000, 1500, 3000, 4, 4, 4) },
                    ["action"] = new JsonObject { ["min"] = new JsonArray(-1, -1, -1), ["max"] = new JsonArray(actionMax0, 1, 1) },
                },
            },
            ["algorithm"] = new JsonObject
            {
                ["type"] = "sac",
                ["utd_ratio"] = 2,
                ["policy_update_freq"] = 1,
                ["critic_network_kwargs"] = new JsonObject { ["hidden_dims"] = new JsonArray(16) },
                ["discrete_critic_network_kwargs"] = new JsonObject { ["hidden_dims"] = new JsonArray(16) },
            },
        }.ToJsonString());
        return path;
    }
}
