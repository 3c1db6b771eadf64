using System.Text.Json.Serialization;
using RobotActors.Policies.Configs;

namespace RobotActors.Policies.GaussianActor;

// The nested configs of LeRobot's gaussian_actor (and of the v0.5 sac config and the SAC algorithm, which
// use the same classes), with LeRobot's field names and defaults.

/// <summary>LeRobot's CriticNetworkConfig: the MLP of a critic head or of the discrete (gripper) critic.</summary>
public sealed class CriticNetworkConfig
{
    [ConfigRange(">= 1")] public int[] HiddenDims { get; set; } = [256, 256];
    public bool ActivateFinal { get; set; } = true;

    /// <summary>A torch.nn activation class name for the last layer (null: SiLU like the others).</summary>
    public string? FinalActivation { get; set; }
}

/// <summary>LeRobot's ActorNetworkConfig: the actor's MLP (it has no final_activation).</summary>
public sealed class ActorNetworkConfig
{
    [ConfigRange(">= 1")] public int[] HiddenDims { get; set; } = [256, 256];
    public bool ActivateFinal { get; set; } = true;

    /// <summary>
    /// Not a LeRobot field: configs written by RobotActors 0.1 carried it (always null). It is read so
    /// those files load, and never written.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FinalActivation { get; set; }
}

/// <summary>LeRobot's PolicyConfig (the policy_kwargs field): the Gaussian head's squashing, std clamp and init.</summary>
public sealed class PolicyKwargsConfig
{
    public bool UseTanhSquash { get; set; } = true;
    [ConfigRange("> 0")] public double StdMin { get; set; } = 1e-5;
    [ConfigRange("> 0")] public double StdMax { get; set; } = 10.0;
    [ConfigRange("> 0")] public double InitFinal { get; set; } = 0.05;
}

/// <summary>LeRobot's ActorLearnerConfig: where the learner listens and how often it pushes weights (seconds).</summary>
public sealed class ActorLearnerConfig
{
    public string LearnerHost { get; set; } = "127.0.0.1";
    [ConfigRange("[1, 65535]")] public int LearnerPort { get; set; } = 50051;
    [ConfigRange("> 0")] public double PolicyParametersPushFrequency { get; set; } = 4;
    [ConfigRange("> 0")] public double QueueGetTimeout { get; set; } = 2;
}

/// <summary>LeRobot's ConcurrencyConfig (threads or processes); here actors take that role, the values are kept for round trips.</summary>
public sealed class ConcurrencyConfig
{
    public string Actor { get; set; } = "threads";
    public string Learner { get; set; } = "threads";

    /// <summary>[HEAD] field (gaussian_actor sets "spawn"); the v0.5 sac config has none: null is not written.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MultiprocessingContext { get; set; }
}
