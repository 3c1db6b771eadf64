using TorchSharp.Modules;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Optim;

/// <summary>
/// Adam (L2 weight decay) or AdamW (decoupled weight decay) with state we can checkpoint. Parameters may come
/// in several groups with their own learning rates (PyTorch's param_groups, e.g. ACT's backbone group);
/// setting <see cref="LearningRate"/> scales every group by the same factor, as a LambdaLR schedule does.
/// </summary>
public sealed class AdamOptimizer : IPolicyOptimizer
{
    private readonly Parameter[] _params;
    private readonly int[] _groupOf;
    private readonly int[] _groupSizes;
    private readonly double[] _groupLr;
    private readonly Tensor?[] _expAvg;
    private readonly Tensor?[] _expAvgSq;
    private readonly long[] _steps;
    private readonly double[] _groupWeightDecay;
    private readonly double _beta1, _beta2, _eps;
    private readonly bool _decoupled;

    public AdamOptimizer(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0, bool decoupled = false, double gradClipNorm = 0)
        : this([(parameters.ToList(), lr)], beta1, beta2, eps, weightDecay, decoupled, gradClipNorm)
    {
    }

    /// <param name="groups">Parameter groups in order with their learning rates; the first group's is <see cref="LearningRate"/>.</param>
    /// <param name="groupWeightDecays">A weight decay per group (PyTorch's per-group "weight_decay", e.g. VQ-BeT's three groups); null gives every group <paramref name="weightDecay"/>.</param>
    public AdamOptimizer(IReadOnlyList<(IReadOnlyList<Parameter> Parameters, double Lr)> groups, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0, bool decoupled = false, double gradClipNorm = 0, IReadOnlyList<double>? groupWeightDecays = null)
    {
        if (groupWeightDecays is not null && groupWeightDecays.Count != groups.Count)
            throw new ArgumentException($"{groupWeightDecays.Count} weight decays for {groups.Count} parameter groups");
        if (groups.Count == 0) throw new ArgumentException("an optimizer needs at least one parameter group");
        _params = groups.SelectMany(g => g.Parameters).ToArray();
        _groupOf = groups.SelectMany((g, i) => g.Parameters.Select(_ => i)).ToArray();
        _groupSizes = groups.Select(g => g.Parameters.Count).ToArray();
        _groupLr = groups.Select(g => g.Lr).ToArray();
        _expAvg = new Tensor?[_params.Length];
        _expAvgSq = new Tensor?[_params.Length];
        _steps = new long[_params.Length];
        _groupWeightDecay = groupWeightDecays?.ToArray() ?? groups.Select(_ => weightDecay).ToArray();
        (_beta1, _beta2, _eps, _decoupled) = (beta1, beta2, eps, decoupled);
        GradClipNorm = gradClipNorm;
    }

    public double LearningRate
    {
        get => _groupLr[0];
        set
        {
            var scale = _groupLr[0] == 0 ? 0 : value / _groupLr[0];
            for (var g = 0; g < _groupLr.Length; g++) _groupLr[g] = g == 0 ? value : _groupLr[g] * scale;
        }
    }

    /// <summary>The current learning rate of each parameter group.</summary>
    public IReadOnlyList<double> GroupLearningRates => _groupLr;

    public double GradClipNorm { get; }
    public IReadOnlyList<Parameter> Parameters => _params;

    public void ZeroGrad()
    {
        foreach (var p in _params)
            if (p.grad is { } g) { g.zero_(); }
    }

    public double Step()
    {
        var norm = GradientClipping.ClipByGlobalNorm(_params, GradClipNorm);
        using var noGrad = torch.no_grad();
        for (var i = 0; i < _params.Length; i++)
        {
            var p = _params[i];
            if (p.grad is not { } grad) continue;
            using var scope = torch.NewDisposeScope();
            _steps[i]++;
            if (_expAvg[i] is null)
            {
                _expAvg[i] = torch.zeros_like(p).DetachFromDisposeScope();
                _expAvgSq[i] = torch.zeros_like(p).DetachFromDisposeScope();
            }
            var g = grad;
            var lr = _groupLr[_groupOf[i]];
            var weightDecay = _groupWeightDecay[_groupOf[i]];
            if (weightDecay != 0)
            {
                if (_decoupled) p.mul_(1 - lr * weightDecay);
                else g = g.add(p, alpha: weightDecay);
            }
            _expAvg[i]!.mul_(_beta1).add_(g, alpha: 1 - _beta1);
            _expAvgSq[i]!.mul_(_beta2).addcmul_(g, g, value: 1 - _beta2);
            var bc1 = 1 - Math.Pow(_beta1, _steps[i]);
            var bc2 = 1 - Math.Pow(_beta2, _steps[i]);
            var denom = _expAvgSq[i]!.sqrt().div_(Math.Sqrt(bc2)).add_(_eps);
            p.addcdiv_(_expAvg[i]!, denom, value: -lr / bc1);
        }
        return norm;
    }

    public Dictionary<string, Tensor> StateTensors()
    {
        var result = new Dictionary<string, Tensor>();
        for (var i = 0; i < _params.Length; i++)
        {
            if (_expAvg[i] is null) continue;
            result[$"state/{i}/step"] = torch.tensor((float)_steps[i]);
            result[$"state/{i}/exp_avg"] = _expAvg[i]!;
            result[$"state/{i}/exp_avg_sq"] = _expAvgSq[i]!;
        }
        return result;
    }

    public JsonNode ParamGroups()
    {
        var groups = new JsonArray();
        var first = 0;
        for (var g = 0; g < _groupLr.Length; g++)
        {
            groups.Add(new JsonObject
            {
                ["lr"] = _groupLr[g],
                ["betas"] = new JsonArray(_beta1, _beta2),
                ["eps"] = _eps,
                ["weight_decay"] = _groupWeightDecay[g],
                ["amsgrad"] = false,
                ["params"] = new JsonArray(Enumerable.Range(first, _groupSizes[g]).Select(i => (JsonNode)i).ToArray()),
            });
            first += _groupSizes[g];
        }
        return groups;
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, JsonNode paramGroups)
    {
        var groups = paramGroups.AsArray();
        var saved = groups.Sum(g => g!["params"]!.AsArray().Count);
        if (groups.Count != _groupLr.Length || saved != _params.Length)
            throw new InvalidOperationException($"optimizer state has {groups.Count} parameter groups with {saved} parameters but the policy has {_groupLr.Length} with {_params.Length}; the checkpoint is from a different model");
        for (var g = 0; g < groups.Count; g++) _groupLr[g] = groups[g]!["lr"]!.GetValue<double>();
        for (var i = 0; i < _params.Length; i++)
        {
            if (!tensors.TryGetValue($"state/{i}/exp_avg", out var m)) continue;
            if (!m.shape.SequenceEqual(_params[i].shape))
                throw new InvalidOperationException($"optimizer state {i} has shape [{string.Join(",", m.shape)}] but parameter has [{string.Join(",", _params[i].shape)}]");
            _expAvg[i] = m.clone();
            _expAvgSq[i] = tensors[$"state/{i}/exp_avg_sq"].clone();
            _steps[i] = (long)tensors[$"state/{i}/step"].item<float>();
        }
    }
}
