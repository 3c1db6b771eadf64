using RobotActors.Policies.SafeTensors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Training;

/// <summary>
/// The averaged copy of a policy's state: floating-point parameters move towards the live ones by (1 - decay)
/// after every optimizer step, buffers (batch-norm statistics and the like) are copied as they are.
/// </summary>
public sealed class EmaWeights : IDisposable
{
    public const string ShadowFile = "ema_model.safetensors";
    public const string LiveFile = "live_model.safetensors";

    private readonly EmaConfig _config;
    private readonly Dictionary<string, Tensor> _shadow;
    private readonly HashSet<string> _averaged;

    public EmaWeights(EmaConfig config, PreTrainedPolicy policy, IReadOnlyDictionary<string, Tensor>? shadow = null)
    {
        _config = config;
        _averaged = policy.named_parameters().Where(p => p.parameter.is_floating_point()).Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        var live = policy.StateDict();
        if (shadow is not null)
        {
            var missing = live.Keys.Where(k => !shadow.ContainsKey(k)).ToList();
            if (missing.Count > 0) throw new InvalidDataException($"the EMA weights lack {string.Join(", ", missing.Take(4))}; they belong to another model");
        }
        _shadow = live.ToDictionary(kv => kv.Key, kv => (shadow?[kv.Key] ?? kv.Value).detach().clone().DetachFromDisposeScope(), StringComparer.Ordinal);
    }

    public IReadOnlyDictionary<string, Tensor> State => _shadow;

    /// <summary>Folds the live weights in after optimizer step number <paramref name="step"/> (1-based).</summary>
    public void Update(PreTrainedPolicy policy, long step)
    {
        var decay = _config.DecayAt(step);
        using var noGrad = torch.no_grad();
        foreach (var (key, live) in policy.StateDict())
        {
            var shadow = _shadow[key];
            if (_averaged.Contains(key) && decay > 0) shadow.mul_(decay).add_(live, alpha: 1 - decay);
            else shadow.copy_(live);
        }
    }

    public void Save(string path) => TorchSafeTensors.Save(_shadow, path);

    public void Dispose()
    {
        foreach (var t in _shadow.Values) t.Dispose();
    }
}
