using TorchSharp.Modules;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Optim;

/// <summary>SGD with momentum, dampening, Nesterov and L2 weight decay, with checkpointable state.</summary>
public sealed class SgdOptimizer(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0,
    bool nesterov = false, double weightDecay = 0, double gradClipNorm = 0) : IPolicyOptimizer
{
    private readonly Parameter[] _params = parameters.ToArray();
    private Tensor?[]? _buffers;

    public double LearningRate { get; set; } = lr;
    public double GradClipNorm { get; } = gradClipNorm;
    public IReadOnlyList<Parameter> Parameters => _params;

    public void ZeroGrad()
    {
        foreach (var p in _params)
            if (p.grad is { } g) g.zero_();
    }

    public double Step()
    {
        var norm = GradientClipping.ClipByGlobalNorm(_params, GradClipNorm);
        _buffers ??= new Tensor?[_params.Length];
        using var noGrad = torch.no_grad();
        for (var i = 0; i < _params.Length; i++)
        {
            var p = _params[i];
            if (p.grad is not { } grad) continue;
            using var scope = torch.NewDisposeScope();
            var g = weightDecay != 0 ? grad.add(p, alpha: weightDecay) : grad;
            if (momentum != 0)
            {
                if (_buffers[i] is null) _buffers[i] = g.clone().DetachFromDisposeScope();
                else _buffers[i]!.mul_(momentum).add_(g, alpha: 1 - dampening);
                g = nesterov ? g.add(_buffers[i]!, alpha: momentum) : _buffers[i]!;
            }
            p.add_(g, alpha: -LearningRate);
        }
        return norm;
    }

    public Dictionary<string, Tensor> StateTensors()
    {
        var result = new Dictionary<string, Tensor>();
        if (_buffers is null) return result;
        for (var i = 0; i < _buffers.Length; i++)
            if (_buffers[i] is { } b) result[$"state/{i}/momentum_buffer"] = b;
        return result;
    }

    public JsonNode ParamGroups() => new JsonArray(new JsonObject
    {
        ["lr"] = LearningRate, ["momentum"] = momentum, ["dampening"] = dampening,
        ["nesterov"] = nesterov, ["weight_decay"] = weightDecay,
        ["params"] = new JsonArray(Enumerable.Range(0, _params.Length).Select(i => (JsonNode)i).ToArray()),
    });

    public void LoadState(IReadOnlyDictionary<string, Tensor> tensors, JsonNode paramGroups)
    {
        LearningRate = paramGroups.AsArray()[0]!["lr"]!.GetValue<double>();
        _buffers = new Tensor?[_params.Length];
        for (var i = 0; i < _params.Length; i++)
            if (tensors.TryGetValue($"state/{i}/momentum_buffer", out var b)) _buffers[i] = b.clone();
    }
}
