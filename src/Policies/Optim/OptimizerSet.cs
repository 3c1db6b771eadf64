using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace RobotActors.Policies.Optim;

/// <summary>
/// The optimizers of one policy by group name ("default" for single-optimizer policies; SAC has
/// "actor", "critic", "temperature" and "discrete_critic"), saved together as LeRobot saves a dict of optimizers.
/// </summary>
public sealed class OptimizerSet(IReadOnlyDictionary<string, IPolicyOptimizer> optimizers)
{
    public const string Default = "default";

    public IReadOnlyDictionary<string, IPolicyOptimizer> ByName { get; } = optimizers;

    public IPolicyOptimizer this[string name] =>
        ByName.TryGetValue(name, out var o) ? o
            : throw new KeyNotFoundException($"no optimizer group '{name}'; groups: {string.Join(", ", ByName.Keys)}");

    public bool IsSingle => ByName.Count == 1 && ByName.ContainsKey(Default);

    /// <summary>Flattened like LeRobot: single optimizers use "state/i/x", dicts prefix the group name.</summary>
    public Dictionary<string, Tensor> StateTensors()
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, opt) in ByName)
            foreach (var (k, v) in opt.StateTensors())
                result[IsSingle ? k : $"{name}/{k}"] = v;
        return result;
    }

    public JsonNode ParamGroups()
    {
        if (IsSingle) return ByName[Default].ParamGroups();
        var result = new JsonObject();
        foreach (var (name, opt) in ByName) result[name] = opt.ParamGroups();
        return result;
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, JsonNode paramGroups)
    {
        foreach (var (name, opt) in ByName)
        {
            if (IsSingle)
            {
                opt.LoadState(tensors, paramGroups);
                continue;
            }
            var prefix = name + "/";
            var own = tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
            var groups = paramGroups[name] ?? throw new InvalidOperationException($"optimizer_param_groups.json has no group '{name}'");
            opt.LoadState(own, groups);
        }
    }
}
