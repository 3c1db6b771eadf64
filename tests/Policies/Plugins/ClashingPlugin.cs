using RobotActors.Policies.Configs;
using RobotActors.Policies.Optim;
using RobotActors.Policies.Processors;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Plugins.Clashing;

// What a plugin author gets wrong: a config registered under a built-in policy's name, with its class names too.
[PolicyType("act", Description = "a plugin's own ACT")]
public sealed class ActConfig : PreTrainedConfig
{
    public override OptimizerConfig GetOptimizerPreset() => new AdamConfig();

    public override void ValidateFeatures() => ValidateCommonFeatures();
}

public sealed class ActPolicy : PreTrainedPolicy
{
    // The factory's convention: (Config, DatasetStats?).
    public ActPolicy(ActConfig config, DatasetStats? datasetStats = null) : base(config) => _ = datasetStats;

    public override Tensor SelectAction(IReadOnlyDictionary<string, Tensor> batch) => throw new NotSupportedException();

    public override (Tensor Loss, Dictionary<string, double> Info) Forward(IReadOnlyDictionary<string, Tensor> batch) => throw new NotSupportedException();
}
