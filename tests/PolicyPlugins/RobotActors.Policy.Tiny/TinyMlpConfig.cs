using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;

namespace RobotActors.Policy.Tiny;

/// <summary>A behaviour-cloning MLP from the robot state to the action; registered as "tiny_mlp".</summary>
[PolicyType("tiny_mlp", Description = "Sample plugin: behaviour cloning with a small MLP from the robot state to the action")]
public sealed class TinyMlpConfig : PreTrainedConfig
{
    // A plugin's fields get the same range checks as the built-in policies' by declaring them.
    [ConfigRange(">= 1")] public int HiddenDim { get; set; } = 32;
    [ConfigRange("> 0")] public double OptimizerLr { get; set; } = 1e-3;
    [ConfigRange(">= 0")] public double OptimizerWeightDecay { get; set; } = 1e-4;
    [ConfigRange("> 0")] public double ActionLimit { get; set; } = 100;

    public override OptimizerConfig GetOptimizerPreset() => new AdamWConfig { Lr = OptimizerLr, WeightDecay = OptimizerWeightDecay };

    public override void ValidateFeatures()
    {
        ValidateCommonFeatures();
        RequireAction();
        if (RobotStateFeature is null)
            throw new PolicyConfigException("tiny_mlp: input_features needs observation.state");
    }
}
