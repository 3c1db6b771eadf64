using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;

namespace RobotActors.Policies.GaussianActor;

/// <summary>
/// LeRobot's GaussianActorConfig (--policy.type=gaussian_actor): what the robot runs — the observation
/// encoder, the tanh-Gaussian actor and the discrete gripper critic. The critics, targets, temperature and
/// losses belong to the RL algorithm (RobotActors.Rl's SACAlgorithmConfig). Its fields are in <see cref="GaussianActorFields"/>.
/// </summary>
[PolicyType("gaussian_actor")]
public sealed class GaussianActorConfig : GaussianActorFields
{
    public GaussianActorConfig()
    {
        // LeRobot's placeholder statistics (ImageNet mean/std, unit boxes); the trainer uses the dataset's.
        DatasetStats = new()
        {
            [PolicyKeys.ObservationImage] = new() { ["mean"] = [0.485, 0.456, 0.406], ["std"] = [0.229, 0.224, 0.225] },
            [PolicyKeys.ObservationState] = new() { ["min"] = [0.0, 0.0], ["max"] = [1.0, 1.0] },
            [PolicyKeys.Action] = new() { ["min"] = [0.0, 0.0, 0.0], ["max"] = [1.0, 1.0, 1.0] },
        };
        Concurrency = new() { MultiprocessingContext = "spawn" };
    }

    /// <summary>The policy half of a v0.5 sac config: the same values for every field gaussian_actor has.</summary>
    public static GaussianActorConfig From(GaussianActorFields fields)
    {
        var config = new GaussianActorConfig();
        config.CopyFrom(fields);
        return config;
    }

    /// <summary>LeRobot's optimizer preset (bypassed by the SAC algorithm, which builds its own from its learning rates).</summary>
    public override OptimizerConfig GetOptimizerPreset() => new MultiAdamConfig
    {
        WeightDecay = 0,
        OptimizerGroups = new()
        {
            ["actor"] = new() { Lr = 3e-4 },
            ["critic"] = new() { Lr = 3e-4 },
            ["temperature"] = new() { Lr = 3e-4 },
        },
    };

}
