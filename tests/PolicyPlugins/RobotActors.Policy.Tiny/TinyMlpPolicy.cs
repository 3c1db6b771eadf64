using RobotActors.Policies;
using RobotActors.Policies.Configs;
using RobotActors.Policies.Processors;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policy.Tiny;

/// <summary>Found by convention: TinyMlpConfig → TinyMlpPolicy.</summary>
public sealed class TinyMlpPolicy : PreTrainedPolicy
{
    private readonly nn.Module<Tensor, Tensor> _net;

    public TinyMlpPolicy(TinyMlpConfig config, DatasetStats? datasetStats = null) : base(config)
    {
        config.ValidateFeatures();
        var state = config.RobotStateFeature!.Value.Value.Shape[0];
        var action = config.ActionFeature!.Shape[0];
        _net = nn.Sequential(nn.Linear(state, config.HiddenDim), nn.ReLU(), nn.Linear(config.HiddenDim, action));
        register_module("net", _net);
    }

    public override Tensor SelectAction(IReadOnlyDictionary<string, Tensor> batch)
    {
        using var noGrad = torch.no_grad();
        return _net.forward(batch[PolicyKeys.ObservationState]);
    }

    public override (Tensor Loss, Dictionary<string, double> Info) Forward(IReadOnlyDictionary<string, Tensor> batch)
    {
        var loss = nn.functional.mse_loss(_net.forward(batch[PolicyKeys.ObservationState]), batch[PolicyKeys.Action]);
        return (loss, new Dictionary<string, double>());
    }
}
