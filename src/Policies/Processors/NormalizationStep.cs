using System.Text.Json.Nodes;
using RobotActors.Policies.Configs;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Processors;

/// <summary>
/// The shared part of the normalizer and unnormalizer: features, norm_map, stats and LeRobot's formulas.
/// Stats passed in code win over stats loaded from a state file, which is how overrides replace them.
/// </summary>
public abstract class NormalizationStep : IProcessorStep
{
    protected NormalizationStep(IReadOnlyDictionary<string, PolicyFeature> features,
        IReadOnlyDictionary<FeatureType, NormalizationMode> normMap, DatasetStats? stats, double eps)
    {
        Features = new Dictionary<string, PolicyFeature>(features);
        NormMap = new Dictionary<FeatureType, NormalizationMode>(normMap);
        Eps = eps;
        StatsFromConstructor = stats is not null;
        if (stats is not null) SetStats(stats);
    }

    public Dictionary<string, PolicyFeature> Features { get; }
    public Dictionary<FeatureType, NormalizationMode> NormMap { get; }
    public double Eps { get; }
    protected bool StatsFromConstructor { get; }
    protected Dictionary<string, Dictionary<string, Tensor>> Stats { get; } = new(StringComparer.Ordinal);

    private void SetStats(DatasetStats stats)
    {
        Stats.Clear();
        foreach (var (feature, values) in stats)
        {
            if (!Features.TryGetValue(feature, out var f)) continue;
            Stats[feature] = values.ToDictionary(kv => kv.Key, kv => Shape(kv.Value, f), StringComparer.Ordinal);
        }
    }

    // A per-channel image stat is stored as (C) or (C,1,1); it must broadcast over H and W.
    private static Tensor Shape(Tensor stat, PolicyFeature feature) =>
        feature.Type == FeatureType.Visual && stat.dim() == 1 ? stat.reshape(stat.shape[0], 1, 1).to(float32) : stat.to(float32);

    /// <summary>False for the normalizer, true for the unnormalizer.</summary>
    protected abstract bool Inverse { get; }

    /// <summary>Transforms every observation listed in the features (actions aside) and the action, when present.</summary>
    public EnvTransition Process(EnvTransition transition)
    {
        var t = transition.ShallowCopy();
        foreach (var key in t.Observation.Keys.ToList())
            if (Features.TryGetValue(key, out var f) && f.Type != FeatureType.Action)
                t.Observation[key] = Apply(t.Observation[key], key, Inverse);
        if (t.Action is not null) t.Action = Apply(t.Action, PolicyKeys.Action, Inverse);
        return t;
    }

    public JsonObject GetConfig() => new()
    {
        ["eps"] = Eps,
        ["features"] = FeaturesJson.Write(Features),
        ["norm_map"] = FeaturesJson.Write(NormMap),
    };

    public Dictionary<string, Tensor> StateDict()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (feature, values) in Stats)
            foreach (var (stat, tensor) in values)
                result[$"{feature}.{stat}"] = tensor.cpu();
        return result;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        if (StatsFromConstructor) return;
        var stats = new DatasetStats();
        foreach (var (key, tensor) in state)
        {
            var dot = key.LastIndexOf('.');
            if (dot <= 0) throw new InvalidDataException($"normalizer state key '{key}' is not '<feature>.<stat>'");
            var feature = key[..dot];
            if (!stats.TryGetValue(feature, out var s)) stats[feature] = s = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            s[key[(dot + 1)..]] = tensor;
        }
        SetStats(stats);
    }

    protected Tensor Apply(Tensor x, string key, bool inverse)
    {
        if (!Features.TryGetValue(key, out var feature)) return x;
        var mode = NormMap.GetValueOrDefault(feature.Type, NormalizationMode.Identity);
        if (mode == NormalizationMode.Identity) return x;
        if (!Stats.TryGetValue(key, out var s))
            throw new InvalidOperationException(
                $"no statistics for '{key}' ({mode}); pass dataset stats when making the policy, or set its normalization_mapping entry {feature.Type.ToLeRobot()} to IDENTITY");
        Tensor Stat(string name) => s.TryGetValue(name, out var t)
            ? t.to(x.dtype).to(x.device)
            : throw new InvalidOperationException(mode is NormalizationMode.Quantiles or NormalizationMode.Quantile10
                ? $"'{key}' needs the '{name}' statistic for {mode}; compute quantile stats for the dataset (LeRobot: augment_dataset_quantile_stats.py)"
                : $"'{key}' needs the '{name}' statistic for {mode} but the stats have: {string.Join(", ", s.Keys)}");
        switch (mode)
        {
            case NormalizationMode.MeanStd:
            {
                var mean = Stat("mean");
                var std = Stat("std");
                // LeRobot's asymmetry: eps guards the division only; the inverse multiplies by std alone.
                return inverse ? x * std + mean : (x - mean) / (std + Eps);
            }
            default:
            {
                var (lowName, highName) = mode switch
                {
                    NormalizationMode.MinMax => ("min", "max"),
                    NormalizationMode.Quantiles => ("q01", "q99"),
                    _ => ("q10", "q90"),
                };
                var low = Stat(lowName);
                var range = Stat(highName) - low;
                range = torch.where(range == 0, torch.full_like(range, Eps), range);
                return inverse ? (x + 1) / 2 * range + low : 2 * (x - low) / range - 1;
            }
        }
    }

    protected static (Dictionary<string, PolicyFeature>, Dictionary<FeatureType, NormalizationMode>, double) Parse(JsonObject config) =>
        (FeaturesJson.ReadFeatures(config["features"]), FeaturesJson.ReadNormMap(config["norm_map"]),
         config["eps"]?.GetValue<double>() ?? 1e-8);
}
