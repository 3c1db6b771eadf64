using RobotActors.Policies.Configs;
using TorchSharp.Modules;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace RobotActors.Policies.Optim;

/// <summary>LeRobot's optimizer presets, tagged by "type" in JSON.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AdamConfig), "adam")]
[JsonDerivedType(typeof(AdamWConfig), "adamw")]
[JsonDerivedType(typeof(SgdConfig), "sgd")]
[JsonDerivedType(typeof(MultiAdamConfig), "multi_adam")]
public abstract class OptimizerConfig
{
    [ConfigRange("> 0")] public double Lr { get; set; } = 1e-3;
    [ConfigRange(">= 0")] public double WeightDecay { get; set; }
    /// <summary>0 turns clipping off.</summary>
    [ConfigRange(">= 0")] public double GradClipNorm { get; set; } = 10.0;

    /// <summary>
    /// Builds the optimizers for the named parameter groups a policy returns. Single-optimizer presets keep
    /// each group as a param group of one optimizer, at the rate <paramref name="groupLearningRates"/> gives
    /// it (LeRobot's {"params": ..., "lr": ...} entries) or else at <see cref="Lr"/>.
    /// </summary>
    public abstract OptimizerSet Build(IReadOnlyDictionary<string, IReadOnlyList<Parameter>> groups,
        IReadOnlyDictionary<string, double>? groupLearningRates = null);

    protected static IEnumerable<Parameter> All(IReadOnlyDictionary<string, IReadOnlyList<Parameter>> groups) =>
        groups.Values.SelectMany(g => g);

    protected IReadOnlyList<(IReadOnlyList<Parameter>, double)> ParamGroups(
        IReadOnlyDictionary<string, IReadOnlyList<Parameter>> groups, IReadOnlyDictionary<string, double>? rates) =>
        groups.Where(kv => kv.Value.Count > 0)
            .Select(kv => (kv.Value, rates is not null && rates.TryGetValue(kv.Key, out var lr) ? lr : Lr))
            .ToList();

    protected static OptimizerSet Single(IPolicyOptimizer optimizer) =>
        new(new Dictionary<string, IPolicyOptimizer> { [OptimizerSet.Default] = optimizer });
}

public class AdamConfig : OptimizerConfig
{
    [ConfigRange("[0, 1)")] public double[] Betas { get; set; } = [0.9, 0.999];
    [ConfigRange("> 0")] public double Eps { get; set; } = 1e-8;

    public override OptimizerSet Build(IReadOnlyDictionary<string, IReadOnlyList<Parameter>> groups, IReadOnlyDictionary<string, double>? groupLearningRates = null) =>
        Single(new AdamOptimizer(ParamGroups(groups, groupLearningRates), Betas[0], Betas[1], Eps, WeightDecay, decoupled: false, GradClipNorm));
}

public sealed class AdamWConfig : OptimizerConfig
{
    public AdamWConfig() => WeightDecay = 1e-2;

    [ConfigRange("[0, 1)")] public double[] Betas { get; set; } = [0.9, 0.999];
    [ConfigRange("> 0")] public double Eps { get; set; } = 1e-8;

    public override OptimizerSet Build(IReadOnlyDictionary<string, IReadOnlyList<Parameter>> groups, IReadOnlyDictionary<string, double>? groupLearningRates = null) =>
        Single(new AdamOptimizer(ParamGroups(groups, groupLearningRates), Betas[0], Betas[1], Eps, WeightDecay, decoupled: true, GradClipNorm));
}

public sealed class SgdConfig : OptimizerConfig
{
    [ConfigRange(">= 0")] public double Momentum { get; set; }
    [ConfigRange("[0, 1]")] public double Dampening { get; set; }
    public bool Nesterov { get; set; }

    public override OptimizerSet Build(IReadOnlyDictionary<string, IReadOnlyList<Parameter>> groups, IReadOnlyDictionary<string, double>? groupLearningRates = null) =>
        Single(new SgdOptimizer(All(groups), Lr, Momentum, Dampening, Nesterov, WeightDecay, GradClipNorm));
}

/// <summary>One Adam per named parameter group (SAC's actor, critic, temperature); per-group eps defaults to 1e-5.</summary>
public sealed class MultiAdamConfig : OptimizerConfig
{
    public Dictionary<string, AdamGroup> OptimizerGroups { get; set; } = new();

    public sealed class AdamGroup
    {
        [ConfigRange("> 0")] public double? Lr { get; set; }
        [ConfigRange("[0, 1)")] public double[]? Betas { get; set; }
        [ConfigRange("> 0")] public double Eps { get; set; } = 1e-5;
        [ConfigRange(">= 0")] public double? WeightDecay { get; set; }
    }

    public override OptimizerSet Build(IReadOnlyDictionary<string, IReadOnlyList<Parameter>> groups, IReadOnlyDictionary<string, double>? groupLearningRates = null)
    {
        var result = new Dictionary<string, IPolicyOptimizer>();
        foreach (var (name, parameters) in groups)
        {
            var g = OptimizerGroups.GetValueOrDefault(name) ?? new AdamGroup();
            var betas = g.Betas ?? [0.9, 0.999];
            result[name] = new AdamOptimizer(parameters, g.Lr ?? Lr, betas[0], betas[1], g.Eps, g.WeightDecay ?? WeightDecay, false, GradClipNorm);
        }
        return new OptimizerSet(result);
    }
}
